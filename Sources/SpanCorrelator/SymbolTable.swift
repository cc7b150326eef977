import TraceTailCore

/// Interns short byte strings (service and logger names) as small integer ids, so a line
/// refers to its component by an `Int32` and a `String` is built once per distinct name.
///
/// Bounded: past `capacity` distinct names `intern` returns nil and callers fall back
/// (hostile input cannot grow it without limit).
struct SymbolTable {
    /// The interned names, by id.
    private(set) var names: [String] = []
    private var bytes: [[UInt8]] = []
    /// By the FNV-1a hash of the name (no SipHash per lookup).
    private var byHash = FlatTable<HashedName, Int32>()
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// The id of `slice`, adding it when new. Nil when the table is full, or (vanishingly
    /// rarely) when another name already holds the same 64-bit hash.
    mutating func intern(_ slice: ArraySlice<UInt8>) -> Int32? {
        var hash = FNVStream()
        hash.add(slice)
        let key = hash.state ^ UInt64(truncatingIfNeeded: slice.count)
        if let id = byHash.find(HashedName(bits: key)) {
            return bytesEqual(bytes[Int(id)], slice) ? id : nil
        }
        guard names.count < capacity else { return nil }
        let id = Int32(names.count)
        bytes.append(Array(slice))
        names.append(String(decoding: slice, as: UTF8.self))
        byHash.set(HashedName(bits: key), id)
        return id
    }

    /// The id of a name given as a `String`.
    mutating func intern(_ text: String) -> Int32? { intern(Array(text.utf8)[...]) }

    /// The UTF-8 bytes of an interned name.
    func utf8(_ id: Int32) -> [UInt8] { bytes[Int(id)] }
}

/// A name's 64-bit hash as a `FlatTable` key.
struct HashedName: FlatTableKey {
    var bits: UInt64
    var mixedBits: UInt64 { bits }
    static var placeholder: HashedName { HashedName(bits: 0) }
}
