import CCurl
import ChorusStore
import Foundation

/// HTTPS through libcurl (Debian's libcurl4-openssl-dev): URLSession on Linux cannot be told to
/// trust a private certificate authority, and a team's server often has one. One easy handle,
/// reused, so the connection (and its TLS session) stays open between calls; one call at a
/// time. Counts the bytes that went over the wire, for the data figures.
final class HTTPClient: @unchecked Sendable {
    struct Answer {
        var status: Int
        var body: Data
    }

    private let handle: UnsafeMutableRawPointer
    private let lock = NSLock()
    let caFile: String?
    let timeout: Double
    /// Bytes sent and received so far (headers and bodies).
    private(set) var sent = 0
    private(set) var received = 0

    private static let global: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    init(caFile: String?, timeout: Double) throws {
        _ = Self.global
        guard let h = curl_easy_init() else { throw ProjectError(code: .store, message: "libcurl could not start") }
        handle = h
        self.caFile = caFile
        self.timeout = timeout
    }

    deinit { curl_easy_cleanup(handle) }

    /// Collects a response body from libcurl's write callback.
    private final class Sink { var data = Data() }

    func send(_ method: String, _ url: String, headers: [String], body: Data?) throws -> Answer {
        lock.lock()
        defer { lock.unlock() }
        curl_easy_reset(handle)
        let sink = Sink()
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for header in headers + (body != nil ? ["Content-Type: application/json"] : []) + ["Expect:"] {
            list = curl_slist_append(list, header)
        }
        _ = chorus_curl_set_string(handle, CURLOPT_URL, url)
        _ = chorus_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = chorus_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
        _ = chorus_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout, 10) * 1000))
        _ = chorus_curl_set_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        _ = chorus_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, method)
        if method == "GET" { _ = chorus_curl_set_long(handle, CURLOPT_HTTPGET, 1) }
        if let caFile { _ = chorus_curl_set_string(handle, CURLOPT_CAINFO, caFile) }
        _ = chorus_curl_set_slist(handle, CURLOPT_HTTPHEADER, list)
        let payload = body ?? Data()
        let code: CURLcode = payload.withUnsafeBytes { raw in
            if body != nil || method == "POST" || method == "PUT" {
                _ = chorus_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, payload.count)
                _ = chorus_curl_set_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
            _ = chorus_curl_set_write(handle, { data, size, count, user in
                let sink = Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue()
                if let data { sink.data.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count) }
                return size * count
            }, Unmanaged.passUnretained(sink).toOpaque())
            return curl_easy_perform(handle)
        }
        var up: curl_off_t = 0, down: curl_off_t = 0, headerBytes: Int = 0, requestBytes: Int = 0
        _ = chorus_curl_get_off(handle, CURLINFO_SIZE_UPLOAD_T, &up)
        _ = chorus_curl_get_off(handle, CURLINFO_SIZE_DOWNLOAD_T, &down)
        _ = chorus_curl_get_long(handle, CURLINFO_HEADER_SIZE, &headerBytes)
        _ = chorus_curl_get_long(handle, CURLINFO_REQUEST_SIZE, &requestBytes)
        sent += Int(up) + requestBytes
        received += Int(down) + headerBytes
        guard code == CURLE_OK else {
            throw ProjectError(code: .store, message: "cannot reach \(Self.origin(url)): \(String(cString: curl_easy_strerror(code)))")
        }
        var status = 0
        _ = chorus_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Answer(status: status, body: sink.data)
    }

    static func origin(_ url: String) -> String {
        guard let u = URL(string: url), let scheme = u.scheme, let host = u.host else { return url }
        return "\(scheme)://\(host)" + (u.port.map { ":\($0)" } ?? "")
    }
}
