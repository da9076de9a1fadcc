import Farm
import HTTPTypes
import Hummingbird

/// Every answer the dashboard gives, with the headers that keep a browser from running or framing anything
/// but the embedded page: a strict Content-Security-Policy (no inline script, nothing from elsewhere),
/// `nosniff`, no referrer, and revalidation by ETag so a poll of an unchanged document is a 304.
enum DashboardResponse {
    static let policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static func headers(type: String) -> HTTPFields {
        var fields: HTTPFields = [.contentType: type, .cacheControl: "no-cache, private"]
        fields[.contentSecurityPolicy] = policy
        if let nosniff = HTTPField.Name("X-Content-Type-Options") { fields[nosniff] = "nosniff" }
        if let referrer = HTTPField.Name("Referrer-Policy") { fields[referrer] = "no-referrer" }
        return fields
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: headers(type: "text/plain; charset=utf-8"), body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `snapshot` as the answer to `request`: 304 when the browser holds it already.
    static func snapshot(_ snapshot: Snapshot, for request: Request) -> Response {
        var fields = headers(type: snapshot.type)
        fields[.eTag] = snapshot.etag
        if request.headers[.ifNoneMatch] == snapshot.etag {
            return Response(status: .notModified, headers: fields)
        }
        return Response(status: snapshot.status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: snapshot.body)))
    }
}

/// One document as it was read at one moment: its bytes, type, status and ETag (a hash of the bytes).
struct Snapshot: Sendable {
    let body: [UInt8]
    let type: String
    let status: HTTPResponse.Status
    let etag: String

    init(body: [UInt8], type: String, status: HTTPResponse.Status = .ok) {
        self.body = body
        self.type = type
        self.status = status
        etag = "\"" + String(FNV1a.hash(body), radix: 16) + "\""
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Snapshot {
        Snapshot(body: Array((value.jsonText + "\n").utf8), type: "application/json; charset=utf-8", status: status)
    }

    static func error(_ message: String, status: HTTPResponse.Status) -> Snapshot {
        json(.object([("error", .string(message))]), status: status)
    }
}
