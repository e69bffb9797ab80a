namespace SimdSoftmax;

/// <summary>A bool known to the JIT: generic kernels specialized on a struct that implements this fold their branches away.</summary>
internal interface ICompileTimeFlag { static abstract bool Value { get; } }
/// <summary>The flag is set.</summary>
internal struct FlagOn : ICompileTimeFlag { public static bool Value => true; }
/// <summary>The flag is clear.</summary>
internal struct FlagOff : ICompileTimeFlag { public static bool Value => false; }
