import Foundation
import Testing
@testable import Farm

/// The socket to a warm Python: frames may arrive several in one read, and each is still returned.
@Suite struct WarmChannelTests {
    @Test func framesThatArriveInOneReadAreEachReturnedWithoutTheSocketPollingAgain() throws {
        var ends: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        defer { close(ends[1]) }
        let channel = WarmChannel(fd: ends[0])
        var bytes: [UInt8] = []
        for text in [#"{"started": 41}"#, #"{"exited": 41, "code": 0}"#] {
            let body = Array(text.utf8)
            bytes += withUnsafeBytes(of: UInt32(body.count).bigEndian) { Array($0) } + body
        }
        #expect(write(ends[1], bytes, bytes.count) == bytes.count)
        #expect(channel.receive(timeout: 1)?.integer("started") == 41)
        // Both frames were read at once: the socket has nothing more, the second frame is in hand.
        #expect(!channel.waitReadable(timeout: 0))
        #expect(channel.receive(timeout: 0)?.integer("exited") == 41)
        close(ends[1])
        ends[1] = -1
        #expect(channel.receive(timeout: 1) == nil && channel.closed)
    }
}
