namespace SimdSoftmax.Tests;

/// <summary>
/// The packed micro-panel layout against its definition, element by element, for every tile height and width the
/// registries use (and a few odd ones), both storage orders and ragged sizes: the banded B copy, the 4- and 8-row
/// A transposes and the scalar tails must all write exactly the layout the microkernels read, zeros past the edge.
/// </summary>
public class PackPanelsTests
{
    public static TheoryData<int> Heights => [4, 5, 6, 8, 12, 16, 24, 32, 48, 64];

    [Theory]
    [MemberData(nameof(Heights))]
    public unsafe void Panels_hold_op_of_the_source_in_micro_panel_order(int mr)
    {
        const int ld = 150, i0 = 2, p0 = 1, offset = 3;
        float[] src = Data.Uniform(offset + 200 * ld, mr);
        foreach (bool trans in new[] { false, true })
        foreach (int extent in new[] { 1, 3, 4, 7, 8, 13, 40, 97 })
        foreach (int kc in new[] { 1, 5, 8, 9, 17, 64 })
        {
            int panels = (extent + mr - 1) / mr;
            float[] packedA = Data.Filled(panels * mr * kc + 8, float.NaN), packedB = Data.Filled(panels * mr * kc + 8, float.NaN);
            fixed (float* s = src, da = packedA, db = packedB)
            {
                // The same block seen as op(A) rows i0.. (packed by rows) and as op(B) columns i0.. (packed by columns).
                PackPanels.PackPanelA(mr, trans, s + offset, ld, i0, p0, extent, kc, da);
                PackPanels.PackPanelB(mr, !trans, s + offset, ld, p0, i0, kc, extent, db);
            }
            for (int panel = 0; panel < panels; panel++)
                for (int p = 0; p < kc; p++)
                    for (int r = 0; r < mr; r++)
                    {
                        int i = panel * mr + r;
                        // op(A)(i, p): stored A is m×k (row-major) or k×m (transposed); op(B)(p, j) with B stored n×k when
                        // transposed: the !trans B read the same source elements as the trans A.
                        float expected = i >= extent ? 0f
                            : trans ? src[offset + (p0 + p) * ld + i0 + i] : src[offset + (i0 + i) * ld + p0 + p];
                        int at = panel * mr * kc + p * mr + r;
                        Assert.True(packedA[at] == expected, $"A mr={mr} trans={trans} extent={extent} kc={kc} panel {panel} p {p} r {r}: {packedA[at]} != {expected}");
                        Assert.True(packedB[at] == expected, $"B nr={mr} trans={!trans} extent={extent} kc={kc} panel {panel} p {p} c {r}: {packedB[at]} != {expected}");
                    }
            Assert.True(float.IsNaN(packedA[panels * mr * kc]) && float.IsNaN(packedB[panels * mr * kc]), "packing wrote past its panels");
        }
    }
}
