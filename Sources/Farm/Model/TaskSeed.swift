/// `FARM_SEED`: a random seed for a job, derived from its parameter values and
/// replicate (the task's key), so it is the same on every attempt and in
/// every run, and a replicate can be reproduced by hand. 32 bits, so it fits
/// every library's seed (NumPy, PyTorch, Python's random).
public enum TaskSeed {
    public static func of(key: String) -> UInt32 {
        // FNV-1a, 64 bits, folded: stable across platforms and Swift versions (unlike Hasher).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
