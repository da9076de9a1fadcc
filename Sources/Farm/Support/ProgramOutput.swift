import Foundation

/// The stdout of a small program farm asks something of at start (`squeue` for the allocation's
/// end, `nvidia-smi -L` for the GPUs), or nil when it cannot start or exits non-zero. Run once per
/// farmrun, outside the task path, so Foundation's Process is enough.
enum ProgramOutput {
    static func of(_ executable: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
