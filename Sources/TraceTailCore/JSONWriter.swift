/// JSON text builder for the output schema (DESIGN §5): bytes, stable key order, no Foundation.
///
/// Hand-written because it is the hottest code after the parser: `replay --output jsonl` and
/// `parse --output jsonl` write every record through it. It appends UTF-8 bytes to one buffer
/// (reused across records with `reset()`), copies runs of bytes that need no escaping in one
/// go (found through a 256-entry table), and writes integers and hex ids digit by digit, so a
/// record costs no `String` and no allocation once the buffer has grown.
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    /// Bit `depth` set: the container at that depth already holds a member, so the next one
    /// needs a comma. Output nests far less than 64 deep; deeper levels share the top bit.
    private var commas: UInt64 = 0
    private var depth = 0
    private var pendingKey = false

    public init() { bytes.reserveCapacity(256) }

    /// The text written so far.
    public var output: String { String(decoding: bytes, as: UTF8.self) }

    /// Forgets what was written, keeping the buffer's capacity (one writer serves many records).
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        commas = 0
        depth = 0
        pendingKey = false
    }

    /// `value` as a JSON number: integers without a fraction, others in Swift's shortest form.
    /// Non-finite values become `null` (JSON has no NaN).
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// `text` as a quoted JSON string with the mandatory escapes.
    public static func quoted(_ text: String) -> String {
        var w = JSONWriter()
        w.appendQuoted(text)
        return w.output
    }

    /// Which bytes a JSON string must escape: `"`, `\` and the controls below 0x20. UTF-8
    /// continuation and lead bytes are copied as they are.
    @usableFromInline
    static let needsEscape: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `"text"`, escaped.
    public mutating func appendQuoted(_ text: String) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            let escape = Self.needsEscape
            while i < utf8.count {
                let byte = utf8[i]
                if escape[Int(byte)] {
                    if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                    appendEscape(byte)
                    runStart = i + 1
                }
                i += 1
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(0x22)
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(0x5C)
        switch byte {
        case 0x22: bytes.append(0x22)
        case 0x5C: bytes.append(0x5C)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30])
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0xF)])
        }
    }

    private mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func appendInteger(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendUnsigned(value.magnitude)
        } else {
            appendUnsigned(UInt64(value))
        }
    }

    private mutating func appendUnsigned(_ value: UInt64) {
        if value < 10 {
            bytes.append(0x30 + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 20 digits fit in 32 bytes
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while v > 0 {
                buffer[31 - count] = 0x30 + UInt8(v % 10)
                v /= 10
                count += 1
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(32 - count)...]))
        }
    }

    /// Emits the comma before a value or key when one is due.
    private mutating func prepare() {
        if pendingKey {
            pendingKey = false
            return
        }
        guard depth > 0 else { return }
        let bit: UInt64 = 1 << UInt64(min(depth, 63))
        if commas & bit != 0 { bytes.append(0x2C) } else { commas |= bit }
    }

    private mutating func open(_ byte: UInt8) {
        prepare()
        bytes.append(byte)
        depth += 1
        commas &= ~(1 << UInt64(min(depth, 63)))
    }

    private mutating func close(_ byte: UInt8) {
        commas &= ~(1 << UInt64(min(depth, 63)))
        depth -= 1
        bytes.append(byte)
    }

    /// Opens an object (at the top level, as an array element, or as the value of a key).
    public mutating func beginObject() { open(0x7B) }
    /// Closes the innermost object.
    public mutating func endObject() { close(0x7D) }
    /// Opens an array.
    public mutating func beginArray() { open(0x5B) }
    /// Closes the innermost array.
    public mutating func endArray() { close(0x5D) }

    /// Writes a key; the next call writes its value.
    public mutating func key(_ name: String) {
        prepare()
        appendQuoted(name)
        bytes.append(0x3A)
        pendingKey = true
    }

    /// Writes a string value (or `null` when nil).
    public mutating func string(_ v: String?) {
        prepare()
        if let v { appendQuoted(v) } else { appendASCII("null") }
    }

    /// Writes an integer value (or `null`).
    public mutating func int<I: BinaryInteger>(_ v: I?) {
        prepare()
        guard let v else { return appendASCII("null") }
        if let small = Int64(exactly: v) {
            appendInteger(small)
        } else if let large = UInt64(exactly: v) {
            appendUnsigned(large)
        } else {
            bytes.append(contentsOf: String(v).utf8)
        }
    }

    /// Writes a number value (or `null`).
    public mutating func double(_ v: Double?) {
        prepare()
        guard let v, v.isFinite else { return appendASCII("null") }
        if v == v.rounded(), abs(v) < 1e15 {
            appendInteger(Int64(v))
        } else {
            bytes.append(contentsOf: String(v).utf8)
        }
    }

    /// Writes a boolean value (or `null`).
    public mutating func bool(_ v: Bool?) {
        prepare()
        guard let v else { return appendASCII("null") }
        if v { appendASCII("true") } else { appendASCII("false") }
    }

    /// Writes `null`.
    public mutating func null() {
        prepare()
        appendASCII("null")
    }

    /// Writes `value` as a quoted string of `digits` lowercase hex digits (zero-padded), the
    /// form of trace and span ids, without building a `String`.
    public mutating func hex(_ value: UInt64, digits: Int) {
        prepare()
        bytes.append(0x22)
        appendHexDigits(value, digits: digits)
        bytes.append(0x22)
    }

    /// Writes a 128-bit id as one quoted string of 32 hex digits.
    public mutating func hex(high: UInt64, low: UInt64) {
        prepare()
        bytes.append(0x22)
        appendHexDigits(high, digits: 16)
        appendHexDigits(low, digits: 16)
        bytes.append(0x22)
    }

    private mutating func appendHexDigits(_ value: UInt64, digits: Int) {
        var shift = (digits - 1) * 4
        while shift >= 0 {
            bytes.append(Self.hexDigits[Int((value >> UInt64(shift)) & 0xF)])
            shift -= 4
        }
    }

    /// Writes an attribute value with its natural JSON type.
    public mutating func attribute(_ v: AttributeValue) {
        switch v {
        case .string(let s): string(s)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .bool(let b): bool(b)
        }
    }
}
