/// FNV-1a, 64 bits: a hash of text that is the same on every platform, Swift
/// version and run (unlike `Hasher`). `FARM_SEED`, the ledger's index of
/// existing tasks and the dashboard's ETags are built on it.
package enum FNV1a {
    package static func hash(_ text: String) -> UInt64 { hash(text.utf8) }

    package static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
