import Foundation

#if !FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    import Crypto
#endif

extension SHA256 {
    /// Hashes a string's UTF-8 bytes in place, without copying them: the record's hash chain and
    /// the notifications' dedup keys both hash text in parts.
    package mutating func update(utf8Of text: String) {
        var text = text
        text.withUTF8 { update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }
}
