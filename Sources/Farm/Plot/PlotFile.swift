import Foundation

/// Writes a plot where `-o` says: `.svg` as is, `.png` through `rsvg-convert`
/// (Debian's librsvg2-bin) when it is installed. The file appears complete
/// or not at all: it is written beside its destination and renamed.
package enum PlotFile {
    package enum Format: Sendable { case svg, png }

    /// The format a file name asks for.
    package static func format(of path: String) throws(AnalysisError) -> Format {
        switch (path as NSString).pathExtension.lowercased() {
        case "svg": return .svg
        case "png": return .png
        default: throw .unknownOutputType(path: path)
        }
    }

    /// The `rsvg-convert` on PATH, if any.
    package static var converter: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/rsvg-convert" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    package static func write(svg: String, to path: String) throws(AnalysisError) {
        let format = try format(of: path)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            throw .cannotWrite(path: path, reason: "the folder \(folder) does not exist")
        }
        let temporary = (folder.isEmpty ? "." : folder) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        switch format {
        case .svg:
            do {
                try Data(svg.utf8).write(to: URL(fileURLWithPath: temporary))
            } catch {
                throw .cannotWrite(path: path, reason: error.localizedDescription)
            }
        case .png:
            guard let converter else { throw .converterMissing(path: path) }
            let source = temporary + ".svg"
            defer { try? FileManager.default.removeItem(atPath: source) }
            do {
                try Data(svg.utf8).write(to: URL(fileURLWithPath: source))
            } catch {
                throw .cannotWrite(path: path, reason: error.localizedDescription)
            }
            try convert(source, to: temporary, with: converter, reporting: path)
        }
        guard rename(temporary, path) == 0 else {
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private static func convert(_ source: String, to destination: String, with converter: String, reporting path: String) throws(AnalysisError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: converter)
        process.arguments = ["--format", "png", "--output", destination, source]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .conversionFailed(path: path, reason: error.localizedDescription)
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .conversionFailed(path: path, reason: text.isEmpty ? "exit status \(process.terminationStatus)" : text)
        }
    }
}
