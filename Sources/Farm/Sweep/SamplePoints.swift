/// How a sweep chooses its points: every combination of list and range values (`grid`), or
/// `samples` points drawn over the sampled parameters (`random`, `sobol`) crossed with the grid.
package enum SampleMethod: String, Sendable, Equatable, CaseIterable {
    case grid, random, sobol
}

/// Points of the unit cube, one coordinate per sampled parameter, addressed by their index so
/// that raising `samples` in a later run adds points and keeps the earlier ones (and their tasks).
///
/// - `sobol`: the unscrambled Sobol sequence with Joe–Kuo direction numbers, the same points as
///   SciPy's `qmc.Sobol(d, scramble=False).random(n)` (the seed plays no part).
/// - `random`: SplitMix64 seeded with `seed`: coordinate j of point i is its (i·d + j + 1)-th
///   output, as a double in [0, 1) from its top 53 bits.
enum SamplePoints {
    /// Sobol coordinates have this many bits (as SciPy's default).
    static let sobolBits = 30

    static func unitPoints(_ method: SampleMethod, dimensions: Int, count: Int, seed: UInt64) throws(SweepError) -> [[Double]] {
        switch method {
        case .grid:
            return []
        case .random:
            return (0..<count).map { i in (0..<dimensions).map { j in random(seed: seed, draw: UInt64(i * dimensions + j)) } }
        case .sobol:
            guard dimensions <= SobolDirections.dimensions else {
                throw SweepError("method sobol: \(dimensions) sampled parameters, but farm's Sobol direction numbers hold \(SobolDirections.dimensions) dimensions; sample fewer parameters or use method: random")
            }
            guard count <= 1 << sobolBits else { throw SweepError("method sobol: samples must be at most \(1 << sobolBits)") }
            let directions = sobolDirections(dimensions: dimensions)
            return (0..<count).map { sobolPoint(UInt32(truncatingIfNeeded: $0), directions: directions) }
        }
    }

    /// SplitMix64's output number `draw` (0-based) for `seed`, in [0, 1).
    static func random(seed: UInt64, draw: UInt64) -> Double {
        var z = seed &+ (draw &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1p-53
    }

    /// The direction numbers v[d][k] (already shifted to `sobolBits` bits) of the first `dimensions` dimensions.
    static func sobolDirections(dimensions: Int) -> [[UInt32]] {
        let bits = sobolBits
        var v = [[UInt32]](repeating: [UInt32](repeating: 0, count: bits), count: dimensions)
        for d in 0..<dimensions {
            if d == 0 {
                for k in 0..<bits { v[0][k] = 1 }
            } else {
                let (polynomial, initial) = SobolDirections.table[d - 1]
                let degree = initial.count
                for k in 0..<degree { v[d][k] = initial[k] }
                for k in degree..<bits {
                    var next = v[d][k - degree]
                    var power: UInt32 = 1
                    for j in 0..<degree {
                        power <<= 1
                        if (polynomial >> UInt32(degree - 1 - j)) & 1 == 1 { next ^= power &* v[d][k - j - 1] }
                    }
                    v[d][k] = next
                }
            }
            for k in 0..<bits { v[d][k] <<= UInt32(bits - 1 - k) }
        }
        return v
    }

    /// Point `index` of the sequence in Gray-code order (as SciPy draws it): the XOR of the
    /// directions of the bits set in index ^ (index >> 1).
    static func sobolPoint(_ index: UInt32, directions: [[UInt32]]) -> [Double] {
        let gray = index ^ (index >> 1)
        return directions.map { v in
            var x: UInt32 = 0
            var bits = gray
            var k = 0
            while bits != 0 {
                if bits & 1 == 1 { x ^= v[k] }
                bits >>= 1
                k += 1
            }
            return Double(x) * 0x1p-30
        }
    }
}
