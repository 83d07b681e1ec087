/// Text escaped for XML and HTML content and double-quoted attributes: `&`, `<`, `>` and `"`
/// as entities; control characters as `control` says (the report shows them, exports drop
/// what XML cannot hold).
public enum Markup {
    public static func escape(_ s: String, control: (Unicode.Scalar) -> String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                if scalar.properties.generalCategory == .control || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += control(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
