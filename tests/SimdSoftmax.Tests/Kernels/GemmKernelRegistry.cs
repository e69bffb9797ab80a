namespace SimdSoftmax.Tests.Kernels;

/// <summary>
/// Every GEMM kernel of the library, listed once, as test data for <see cref="GemmMicrokernelTester"/>: the register
/// tiles come from the library's own tile registries (the tuning table), the skinny kernels are listed here. A test
/// checks by reflection that no kernel type of the library is missing, so a new kernel cannot go untested.
/// </summary>
internal static class GemmKernelRegistry
{
    /// <summary>Register tiles with the ISA that runs them.</summary>
    public static IEnumerable<(KernelPath Isa, GemmTile Tile)> Tiles =>
        Tuning.GemmAvx2Tiles.Select(t => (KernelPath.Avx2, t)).Concat(Tuning.GemmAvx512Tiles.Select(t => (KernelPath.Avx512, t)));

    public static readonly ISkinnyDotUnderTest[] SkinnyDot =
    [
        new SkinnyDotUnderTest<SkinnyDot2x5Avx2>(KernelPath.Avx2),
        new SkinnyDotUnderTest<SkinnyDot4x5Avx512>(KernelPath.Avx512),
    ];

    public static readonly ISkinnyOuterUnderTest[] SkinnyOuter =
    [
        new SkinnyOuterUnderTest<SkinnyOuter16x5Avx2>(KernelPath.Avx2),
        new SkinnyOuterUnderTest<SkinnyOuter32x10Avx512>(KernelPath.Avx512),
    ];

    public static TheoryData<string> TileNames => Data(Tiles.Select(t => t.Tile.Name));
    /// <summary>Tiles whose kernel reads A in place (the pack-B-only nest of small problems).</summary>
    public static TheoryData<string> StridedATileNames => Data(Tiles.Where(t => t.Tile.IsStridedA).Select(t => t.Tile.Name));
    public static TheoryData<string> SkinnyDotNames => Data(SkinnyDot.Select(k => k.Name));
    public static TheoryData<string> SkinnyOuterNames => Data(SkinnyOuter.Select(k => k.Name));

    public static (KernelPath Isa, GemmTile Tile) Tile(string name) => Tiles.Single(t => t.Tile.Name == name);

    /// <summary>Library types implementing the interface <paramref name="kind"/> (the kernels the lists above must name).</summary>
    public static IEnumerable<string> KernelTypesOf(Type kind) =>
        typeof(Gemm).Assembly.GetTypes().Where(t => t.IsValueType && kind.IsAssignableFrom(t)).Select(t => t.Name);

    private static TheoryData<string> Data(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (string n in names) data.Add(n);
        return data;
    }
}
