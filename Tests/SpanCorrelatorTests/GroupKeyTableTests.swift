import Testing

@testable import SpanCorrelator

/// `GroupKeyTable` against `Dictionary` as the model: random inserts, replacements and
/// removals (backward-shift deletion is where open addressing goes wrong), with keys made to
/// collide in their home slots.
@Test(arguments: [1 as UInt64, 7, 42])
func groupKeyTableAgreesWithDictionary(seed: UInt64) {
    var state = seed
    func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 17
    }
    // Few distinct keys, several differing only in `a` or `kind`, so probe runs form and break.
    let keys: [GroupKey] = (0..<300).map { i in
        let kind: GroupKey.Kind = i % 3 == 0 ? .request : (i % 3 == 1 ? .explicit : .idless)
        return GroupKey(kind: kind, a: UInt64(i % 7), b: UInt64(i / 5), c: UInt64(i % 11))
    }
    var table = GroupKeyTable<Int>()
    var model: [GroupKey: Int] = [:]
    for step in 0..<20_000 {
        let key = keys[Int(next() % UInt64(keys.count))]
        if next() % 3 == 0 {
            #expect(table.remove(key) == model.removeValue(forKey: key))
        } else {
            table.set(key, step)
            model[key] = step
        }
        #expect(table.count == model.count)
        if step % 97 == 0 {
            for k in keys { #expect(table.find(k) == model[k]) }
        }
    }
    for k in keys { #expect(table.find(k) == model[k]) }
}
