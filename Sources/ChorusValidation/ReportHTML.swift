import ChorusSupport
/// `report.html`: one self-contained page (inline CSS and SVG, no scripts, no external
/// assets), so it opens offline and can be mailed: the summary, rule counts, an agreement
/// histogram, per-annotator agreement, a speaking-rate scatter, and every finding.
public enum ReportHTML {
    /// Most points in the scatter and rows in the findings table, so the page stays light.
    static let maxPoints = 4000
    static let maxFindings = 2000

    public static func render(_ r: ValidationReport, title: String) -> String {
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Chorus validation: \(escape(title))</title>
            <style>
            body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#222;padding:0 1em}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
            table{border-collapse:collapse;width:100%}td,th{padding:.25em .5em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
            .error{color:#b00020;font-weight:600}.warning{color:#8a5a00}.num{text-align:right;font-variant-numeric:tabular-nums}
            svg{max-width:100%;height:auto}figure{margin:1em 0}figcaption{color:#555;font-size:.9em}
            </style></head><body>
            <h1>Chorus validation: \(escape(title))</h1>
            <p>\(r.segments) segments, \(r.settled) settled transcripts: <span class="error">\(r.errors) errors</span>, <span class="warning">\(r.warnings) warnings</span>.</p>
            <h2>Rules</h2>
            <table><tr><th>rule</th><th>severity</th><th>checks</th><th class="num">findings</th></tr>

            """
        for rule in r.rules {
            h += "<tr><td>\(escape(rule.rule))</td><td class=\"\(rule.severity.rawValue)\">\(rule.severity.rawValue)</td><td>\(escape(rule.summary))</td><td class=\"num\">\(rule.findings)</td></tr>\n"
        }
        h += "</table>\n<h2>Agreement</h2>\n"
        if let cer = r.agreement.transcriptCER {
            h += "<p>\(cer.count) segments with two or more transcripts: mean pairwise CER \(fmt(cer.mean)), median \(fmt(cer.median))"
            if let wer = r.agreement.transcriptWER { h += "; WER \(fmt(wer.mean)), median \(fmt(wer.median))" }
            h += ".</p>\n" + figure(histogram(cer.histogram), "Pairwise CER between transcribers of a segment, in bins of 0.1.")
        } else {
            h += "<p>No segment has two transcripts yet.</p>\n"
        }
        for (language, d) in r.agreement.translationChrF.sorted(by: { $0.key < $1.key }) {
            h += "<p>Translators (\(escape(language))): \(d.count) pairs, mean chrF \(fmt(d.mean, 1)), median \(fmt(d.median, 1)).</p>\n"
        }
        if let alpha = r.agreement.skipReasonAlpha { h += "<p>Skip reasons: Krippendorff's alpha (nominal) \(fmt(alpha)).</p>\n" }
        if !r.agreement.annotators.isEmpty {
            h += figure(bars(r.agreement.annotators.map { ($0.annotator, $0.agreement) }), "Each annotator's agreement (1 − CER) with the settled texts.")
        }
        if !r.speakingRates.isEmpty {
            let flagged = Set(r.findings.filter { $0.rule == "speaking-rate" || $0.rule == "duration-outliers" }.compactMap(\.segment))
            // A large corpus plots every flagged segment and an even sample of the rest.
            let step = max(1, r.speakingRates.count / maxPoints)
            let shown = r.speakingRates.enumerated().filter { $0.offset % step == 0 || flagged.contains($0.element.segment) }.map(\.element)
            let note = shown.count < r.speakingRates.count ? " Every \(step)th of \(r.speakingRates.count) segments is shown, and all flagged ones." : ""
            h += "<h2>Speaking rate</h2>\n" + figure(scatter(shown, flagged: flagged),
                                                      "Characters against seconds per settled transcript; the lines mark 3 and 30 characters a second; flagged segments in red." + note)
        }
        h += "<h2>Findings</h2>\n"
        if r.findings.isEmpty {
            h += "<p>None.</p>\n"
        } else {
            h += "<table><tr><th>severity</th><th>rule</th><th class=\"num\">segment</th><th>recording</th><th>finding</th></tr>\n"
            let sorted = r.findings.sorted(by: { ($0.severity == .error ? 0 : 1, $0.segment ?? 0) < ($1.severity == .error ? 0 : 1, $1.segment ?? 0) })
            for f in sorted.prefix(maxFindings) {
                h += "<tr><td class=\"\(f.severity.rawValue)\">\(f.severity.rawValue)</td><td>\(escape(f.rule))</td><td class=\"num\">\(f.segment.map(String.init) ?? "")</td><td>\(escape(f.recording ?? ""))</td><td>\(escape(f.message))</td></tr>\n"
            }
            h += "</table>\n"
            if sorted.count > maxFindings { h += "<p>The first \(maxFindings) of \(sorted.count) findings, errors first; report.json has them all.</p>\n" }
        }
        return h + "</body></html>\n"
    }

    static func figure(_ svg: String, _ caption: String) -> String {
        "<figure>\(svg)<figcaption>\(escape(caption))</figcaption></figure>\n"
    }

    static func histogram(_ bins: [Int]) -> String {
        let w = 500.0, hgt = 160.0, top = Double(max(1, bins.max() ?? 1))
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(hgt + 30))\" role=\"img\" aria-label=\"CER histogram\">"
        let bw = w / Double(bins.count)
        for (i, c) in bins.enumerated() {
            let bh = hgt * Double(c) / top
            s += "<rect x=\"\(fmt(Double(i) * bw + 2, 1))\" y=\"\(fmt(hgt - bh, 1))\" width=\"\(fmt(bw - 4, 1))\" height=\"\(fmt(bh, 1))\" fill=\"#4a78b5\"><title>\(c)</title></rect>"
            s += "<text x=\"\(fmt(Double(i) * bw + bw / 2, 1))\" y=\"\(Int(hgt + 18))\" font-size=\"11\" text-anchor=\"middle\">\(fmt(Double(i) / 10, 1))</text>"
        }
        return s + "</svg>"
    }

    static func bars(_ rows: [(String, Double)]) -> String {
        let rowHeight = 22.0, w = 500.0, label = 140.0
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(rowHeight * Double(rows.count) + 4))\" role=\"img\" aria-label=\"agreement per annotator\">"
        for (i, (name, value)) in rows.enumerated() {
            let y = Double(i) * rowHeight
            let bw = max(0, min(1, value)) * (w - label - 50)
            s += "<text x=\"\(Int(label - 6))\" y=\"\(fmt(y + 15, 1))\" font-size=\"12\" text-anchor=\"end\">\(escape(name))</text>"
            s += "<rect x=\"\(Int(label))\" y=\"\(fmt(y + 3, 1))\" width=\"\(fmt(bw, 1))\" height=\"16\" fill=\"#4a78b5\"/>"
            s += "<text x=\"\(fmt(label + bw + 4, 1))\" y=\"\(fmt(y + 15, 1))\" font-size=\"11\">\(fmt(value))</text>"
        }
        return s + "</svg>"
    }

    static func scatter(_ points: [ValidationReport.RatePoint], flagged: Set<Int64>) -> String {
        let w = 500.0, hgt = 300.0, pad = 36.0
        let maxX = max(1, points.map(\.seconds).max() ?? 1), maxY = Double(max(1, points.map(\.characters).max() ?? 1))
        func x(_ v: Double) -> Double { pad + (w - pad - 10) * v / maxX }
        func y(_ v: Double) -> Double { hgt - pad - (hgt - pad - 10) * v / maxY }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(hgt))\" role=\"img\" aria-label=\"speaking rate\">"
        s += "<line x1=\"\(pad)\" y1=\"\(hgt - pad)\" x2=\"\(w - 10)\" y2=\"\(hgt - pad)\" stroke=\"#888\"/><line x1=\"\(pad)\" y1=\"10\" x2=\"\(pad)\" y2=\"\(hgt - pad)\" stroke=\"#888\"/>"
        for rate in [3.0, 30.0] {
            let endX = min(maxX, maxY / rate)
            s += "<line x1=\"\(fmt(x(0), 1))\" y1=\"\(fmt(y(0), 1))\" x2=\"\(fmt(x(endX), 1))\" y2=\"\(fmt(y(endX * rate), 1))\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>"
        }
        for p in points {
            let bad = flagged.contains(p.segment)
            s += "<circle cx=\"\(fmt(x(p.seconds), 1))\" cy=\"\(fmt(y(Double(p.characters)), 1))\" r=\"\(bad ? 4 : 3)\" fill=\"\(bad ? "#b00020" : "#4a78b5")\"><title>segment \(p.segment): \(fmt(p.seconds, 2)) s, \(p.characters) characters</title></circle>"
        }
        s += "<text x=\"\(Int(w / 2))\" y=\"\(Int(hgt - 6))\" font-size=\"11\" text-anchor=\"middle\">seconds (max \(fmt(maxX, 1)))</text>"
        s += "<text x=\"12\" y=\"\(Int(hgt / 2))\" font-size=\"11\" transform=\"rotate(-90 12 \(Int(hgt / 2)))\" text-anchor=\"middle\">characters</text>"
        return s + "</svg>"
    }

    /// Control characters (which a finding may quote) shown as their code.
    static func escape(_ s: String) -> String {
        Markup.escape(s) { "U+" + String($0.value, radix: 16, uppercase: true) }
    }

    static func fmt(_ x: Double, _ digits: Int = 3) -> String {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let r = (x * p).rounded() / p
        var s = "\(r)"
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        } else if digits > 0 {
            s += "." + String(repeating: "0", count: digits)
        }
        return s
    }
}
