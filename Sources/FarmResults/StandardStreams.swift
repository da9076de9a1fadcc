#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw standard input and output, without Foundation's buffering layers:
/// `dbtool` reads a whole JSON document and writes large CSV results.
package enum StandardStreams {
    /// Reads standard input to its end (what was read before an error, if one comes).
    package static func readAllInput() -> [UInt8] {
        readAll(0).bytes
    }

    /// Reads `descriptor` to its end: the bytes, and whether the end was reached without an error.
    package static func readAll(_ descriptor: Int32) -> (bytes: [UInt8], complete: Bool) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[0..<n])
            } else if n == 0 {
                return (bytes, true)
            } else if errno != EINTR {
                return (bytes, false)
            }
        }
    }

    /// Writes all of `buffer` to standard output.
    package static func writeOutput(_ buffer: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let n = write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if n > 0 { offset += n } else if errno != EINTR { return }
        }
    }

    package static func writeOutput(_ text: String) {
        var text = text
        text.withUTF8 { writeOutput(UnsafeRawBufferPointer($0)) }
    }

    /// Writes one line to standard error.
    package static func writeError(_ line: String) {
        var text = line.hasSuffix("\n") ? line : line + "\n"
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 { offset += n } else if errno != EINTR { return }
            }
        }
    }
}
