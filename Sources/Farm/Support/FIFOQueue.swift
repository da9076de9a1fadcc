/// A first-in first-out queue over an array: `popFirst` is O(1) (a moving
/// head), and the consumed front is dropped once it is more than half of the
/// storage, so a long run neither shifts on every pop nor grows without bound.
/// The coordinator's pending tasks and the transports' inboxes use it.
struct FIFOQueue<Element> {
    private var storage: [Element]
    private var head = 0

    init(_ elements: [Element] = []) {
        storage = elements
    }

    var isEmpty: Bool { head == storage.count }

    var count: Int { storage.count - head }

    var first: Element? { isEmpty ? nil : storage[head] }

    /// The elements, first to last.
    var elements: ArraySlice<Element> { storage[head...] }

    mutating func append(_ element: Element) {
        storage.append(element)
    }

    mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head > 1024 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Takes out the first element matching `predicate` (O(n): for short queues, such as a worker's held tasks).
    mutating func remove(where predicate: (Element) -> Bool) -> Element? {
        guard let at = storage[head...].firstIndex(where: predicate) else { return nil }
        return storage.remove(at: at)
    }
}
