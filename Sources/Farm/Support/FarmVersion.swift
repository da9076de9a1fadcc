/// farm's release version, printed by `farmrun --version` and `dbtool --version` (the two always ship
/// together). Bumped with each release.
package enum FarmVersion {
    package static let current = "0.30.0"
}
