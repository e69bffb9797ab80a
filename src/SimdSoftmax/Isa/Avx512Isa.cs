namespace SimdSoftmax;

/// <summary>
/// The AVX-512 F/BW/DQ/VL instruction set as a type: the argument the public entries hand to their generic drivers when
/// the resolved path is <see cref="KernelPath.Avx512"/>. Each kernel family adds its members in its own folder. Where
/// this path deliberately runs a 256-bit kernel, the family's member here says so, with the measurement behind it.
/// </summary>
internal readonly partial struct Avx512Isa
{
}
