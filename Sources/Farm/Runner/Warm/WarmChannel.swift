import CLinux
import Foundation

/// farm's end of the socket to a warm Python: frames of a 4-byte big-endian length and a JSON
/// object, a request carrying the job's stdout and stderr descriptors. Reads never block past
/// what the caller allows, so a slot waiting on its server still hears an abort.
final class WarmChannel {
    let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var closed = false

    init(fd: Int32) {
        self.fd = fd
    }

    deinit { close(fd) }

    /// Ends the conversation: the server reads end-of-file.
    func hangUp() {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
        closed = true
    }

    /// Sends `message` with `descriptors` attached; false if the server is gone.
    func send(_ message: JSONValue, descriptors: [Int32] = []) -> Bool {
        let body = Array(message.jsonText.utf8)
        var frame = withUnsafeBytes(of: UInt32(body.count).bigEndian) { Array($0) }
        frame += body
        return frame.withUnsafeBytes { bytes in
            descriptors.withUnsafeBufferPointer { fds in
                farm_send_with_descriptors(fd, bytes.baseAddress, bytes.count, fds.baseAddress, Int32(fds.count)) == 0
            }
        }
    }

    /// The next frame's members if one arrives within `timeout` seconds; nil if none did
    /// (`closed` says whether the server is gone).
    func receive(timeout: Double) -> [(key: String, value: JSONValue)]? {
        if let frame = takeFrame() { return frame }
        guard !closed, waitReadable(timeout: timeout) else { return nil }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 {
            if n < 0 && (errno == EINTR || errno == EAGAIN) { return nil }
            closed = true
            return nil
        }
        buffer += chunk[0..<n]
        return takeFrame()
    }

    /// Whether a read would not block within `timeout` seconds.
    func waitReadable(timeout: Double) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, Int32(max(0, timeout * 1000))) > 0
    }

    private func takeFrame() -> [(key: String, value: JSONValue)]? {
        guard buffer.count >= 4 else { return nil }
        let length = buffer[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard buffer.count >= 4 + length else { return nil }
        let body = Array(buffer[4..<(4 + length)])
        buffer.removeFirst(4 + length)
        guard case .object(let members)? = try? JSONParser.parseOne(body) else {
            closed = true  // not farm's server
            return nil
        }
        return members
    }
}

extension Array where Element == (key: String, value: JSONValue) {
    subscript(member key: String) -> JSONValue? { first { $0.key == key }?.value }

    func integer(_ key: String) -> Int64? {
        switch self[member: key] {
        case .integer(let i)?: i
        case .real(let d)?: Int64(d)
        default: nil
        }
    }

    func number(_ key: String) -> Double? {
        switch self[member: key] {
        case .integer(let i)?: Double(i)
        case .real(let d)?: d
        default: nil
        }
    }

    func text(_ key: String) -> String? {
        if case .string(let s)? = self[member: key] { return s }
        return nil
    }
}
