import GRDB

/// The errors farm's library throws: each one's description is a complete,
/// user-facing sentence that names the input and says what to do.
package protocol FarmError: Error, CustomStringConvertible, Sendable {}

extension StoreError: FarmError {}
extension JSONError: FarmError {}

/// The one line a command-line tool prints for an error.
package enum ErrorText {
    package static func line(for error: any Error, database path: String? = nil) -> String {
        if let error = error as? any FarmError { return error.description }
        if let path { return Store.classify(error, path: path).description }
        return "\(error)"
    }
}
