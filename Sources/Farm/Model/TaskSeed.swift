/// `FARM_SEED`: a random seed for a job, derived from its parameter values and
/// replicate (the task's key), so it is the same on every attempt and in
/// every run, and a replicate can be reproduced by hand. 32 bits, so it fits
/// every library's seed (NumPy, PyTorch, Python's random).
package enum TaskSeed {
    package static func of(key: String) -> UInt32 {
        let hash = FNV1a.hash(key)  // folded to 32 bits
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
