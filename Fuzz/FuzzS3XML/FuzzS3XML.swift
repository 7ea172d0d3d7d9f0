import BackstopFuzzing

/// libFuzzer's entry point (built only with BACKSTOP_FUZZ=1; see scripts/fuzz).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt { FuzzTarget.s3xml.libFuzzerInput(bytes, count) }
