/// How rank 0 names a slot: a worker rank's slots over MPI, and its own local
/// slots in memory. Slot `k` of MPI rank `r` is `r + k << 20` (slot 0 is the rank
/// itself, so a rank of one slot keeps its number); local slots start at `localBase`.
package enum SlotAddress {
    static let rankBits = 20
    static let rankMask = (1 << rankBits) - 1
    /// The first id of rank 0's local slots (and no MPI slot reaches it).
    package static let localBase = 1 << 40

    package static func id(rank: Int, slot: Int) -> Int { rank + slot << rankBits }
    package static func rank(of id: Int) -> Int { id & rankMask }
    package static func slot(of id: Int) -> Int { id >> rankBits }
}
