namespace SimdSoftmax;

/// <summary>
/// The AVX2 + FMA3 instruction set as a type: the argument the public entries hand to their generic drivers when the
/// resolved path is <see cref="KernelPath.Avx2"/>. Each kernel family adds its members (vector width, masks,
/// reductions, its microkernels and thresholds) in its own folder, implementing that family's static-abstract interface.
/// </summary>
internal readonly partial struct Avx2Isa
{
}
