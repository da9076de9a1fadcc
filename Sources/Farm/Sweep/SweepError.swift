/// Why a sweep (a YAML file or `-p`/`--where` options) cannot be run. Every
/// case is found before anything runs and names the input and the fix.
package struct SweepError: FarmError, Equatable {
    package var message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}
