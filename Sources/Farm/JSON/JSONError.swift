/// Why a piece of text is not the JSON farm accepts, with the byte offset where
/// the problem was found so a user can look at their job's output.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    /// Which value of a stream (0-based) the problem is in.
    public var valueIndex = 0

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) (at byte \(offset))" }
}
