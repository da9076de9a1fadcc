import Testing
@testable import Farm

/// The MPI wire format: every message decodes to what was encoded.
@Suite struct MessageCodingTests {
    static let messages: [Message] = [
        .ready(host: "node-1"),
        .assign(TaskAssignment(taskID: 7, argv: ["python3", "train.py", "--epochs", "400"], timeout: 30,
                               environment: ["FARM_RESUME_FROM": "175"], reportKey: "epochs")),
        .assign(TaskAssignment(taskID: 8, argv: ["/bin/echo", "{}"])),
        .outcome(TaskOutcome(taskID: 7, status: .succeeded(ResultRow(columns: ["a", "b", "c", "d"], values: [.integer(-3), .real(0.5), .text("é"), .null])),
                             exitCode: 0, startedAt: 12.5, wallSeconds: 1.25, host: "h", rank: 3, stderrTail: "tail", stdoutHead: "",
                             usage: ChildUsage(cpuSeconds: 0.5, maxRSSKiB: 2048))),
        .outcome(TaskOutcome(taskID: 9, status: .failed(.timeout, message: "ran past"), signal: 9)),
        .signalled(15), .abort, .stop, .retract, .retracted(taskID: 4),
        .report(taskID: 7, row: ResultRow(columns: ["epochs", "val_loss"], values: [.integer(25), .real(0.31)])),
        .report(taskID: 7, row: ResultRow()),
        .prune(taskID: 7),
    ]

    @Test(arguments: messages)
    func everyMessageSurvivesTheWire(_ message: Message) throws {
        #expect(try MessageCoding.decode(MessageCoding.encode(message)) == message)
    }

    @Test func aMessageCutShortIsAnErrorNotACrash() {
        let bytes = MessageCoding.encode(Self.messages[1])
        #expect(throws: TransportError.self) { try MessageCoding.decode(Array(bytes.dropLast(3))) }
    }
}
