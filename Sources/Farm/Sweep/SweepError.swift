/// Why a sweep (a YAML file or `-p`/`--where` options) cannot be run. Every
/// case is found before anything runs and names the input and the fix.
public struct SweepError: FarmError, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
