/// The bar `farmrun status` draws for a sweep when it prints to a terminal:
/// done in full blocks, failed in a shaded block, the rest light.
package enum ProgressBar {
    package static func text(done: Int, failed: Int, total: Int, width: Int = 32) -> String {
        guard total > 0 else { return "[" + String(repeating: "░", count: width) + "]" }
        let doneCells = done * width / total
        let failedCells = failed > 0 ? max(1, failed * width / total) : 0
        let shown = min(failedCells, width - doneCells)
        return "[" + String(repeating: "█", count: doneCells) + String(repeating: "▒", count: shown)
            + String(repeating: "░", count: width - doneCells - shown) + "]"
    }
}
