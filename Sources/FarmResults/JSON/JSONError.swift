/// Why a piece of text is not the JSON farm accepts, with the byte offset where
/// the problem was found so a user can look at their job's output.
package struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package var offset: Int
    /// Which value of a stream (0-based) the problem is in.
    package var valueIndex = 0

    package init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    package var description: String { "\(message) (at byte \(offset))" }
}
