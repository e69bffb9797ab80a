using SimdSoftmax.GuardPages;

namespace SimdSoftmax.Tests;

/// <summary>
/// The fused classifier's register tiles, called directly through each ISA type (the registry of classifier tiles is
/// <see cref="IFusedClassifierKernels"/>: one implementation per ISA), against double dot products: the forward tile
/// at every count of D from 1 to three vectors + 1, the backward tile at every count up to its two vectors and row
/// counts 0..5 and 17, the input-gradient tile at C = 1..40 (full and partial class tiles), every count of D up to
/// three vectors + 1 and row counts 1..9 (full and short row groups), written directly and streamed through a scratch. X (and dX's last row) ends at a PROT_NONE page and is read-only, so no read past a row and no write to X go unseen.
/// </summary>
public unsafe class ClassifierTileTests
{
    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Scores_tile_matches_double_dot_products(KernelPath path)
    {
        Paths.Require(path);
        Skip.IfNot(OperatingSystem.IsLinux(), "Guard pages use mmap/mprotect.");
        if (path == KernelPath.Avx512) Scores<Avx512Isa>(); else Scores<Avx2Isa>();
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Gradient_tile_matches_double_outer_products(KernelPath path)
    {
        Paths.Require(path);
        Skip.IfNot(OperatingSystem.IsLinux(), "Guard pages use mmap/mprotect.");
        if (path == KernelPath.Avx512) Gradient<Avx512Isa>(); else Gradient<Avx2Isa>();
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Input_gradient_tile_matches_double_products(KernelPath path)
    {
        Paths.Require(path);
        Skip.IfNot(OperatingSystem.IsLinux(), "Guard pages use mmap/mprotect.");
        if (path == KernelPath.Avx512) InputGradient<Avx512Isa>(); else InputGradient<Avx2Isa>();
    }

    private static void InputGradient<K>() where K : struct, IFusedClassifierKernels
    {
        int vw = K.Width, ct = K.ClassifierClassTile;
        foreach (int c in new[] { 1, 2, ct - 1, ct, ct + 1, 2 * ct + 3, 40 })
            for (int d = 1; d <= 3 * vw + 1; d += d < 2 * vw + 2 ? 1 : vw - 1)
                foreach (int rows in new[] { 1, 2, 3, 4, 5, 8, 9, 17, 25 })
                {
                    int cp = (c + ct - 1) / ct * ct, nVec = (d + 2 * vw - 1) / (2 * vw) * 2, lds = cp + 1, ldx = d + 2;
                    float[] w = Data.Uniform(d * c, d + 31 * c, -1f, 1f); // W, D×C
                    var packed = new float[cp * nVec * vw];
                    for (int j = 0; j < c; j++)
                        for (int k = 0; k < d; k++) packed[((j / ct) * nVec + k / vw) * ct * vw + (j % ct) * vw + k % vw] = w[k * c + j];
                    float[] ds = Data.Uniform(rows * lds, rows + 7 * c, -1f, 1f);
                    for (int i = 0; i < rows; i++)
                        for (int j = c; j < lds; j++) ds[i * lds + j] = float.NaN; // never read past C
                    int lenX = (rows - 1) * ldx + d;
                    using var rx = new GuardedRegion(lenX);
                    Span<float> dx = rx.Tail(lenX);
                    foreach (bool stream in new[] { false, true })
                    {
                        dx.Fill(-7f);
                        var scratch = new float[InputGradientTile<Avx2Isa, System.Runtime.Intrinsics.Vector256<float>>.ScratchRows * nVec * vw + 1]; // +1 shifts it off alignment
                        fixed (float* pds = ds, pw = packed, pdx = dx, psc = scratch)
                            K.ClassifierInputGradient(pds, lds, rows, c, pw, nVec, pdx, ldx, d, stream ? psc + 1 : null);
                        for (int i = 0; i < rows; i++)
                        {
                            for (int k = 0; k < d; k++)
                            {
                                double expected = 0;
                                for (int j = 0; j < c; j++) expected += (double)ds[i * lds + j] * w[k * c + j];
                                float got = dx[i * ldx + k];
                                Assert.True(Math.Abs(got - expected) <= 1e-5 * (c + 1), $"{typeof(K).Name} dX stream={stream} c={c} d={d} rows={rows} ({i}, {k}): {got} vs {expected}");
                            }
                            if (i + 1 < rows)
                                for (int k = d; k < ldx; k++) Assert.Equal(-7f, dx[i * ldx + k]); // nothing between rows written
                        }
                    }
                }
    }

    private static void Scores<K>() where K : struct, IFusedClassifierKernels
    {
        int vw = K.Width, ct = K.ClassifierClassTile;
        for (int count = 1; count <= 3 * vw + 1; count++)
        {
            int vectors = (count + vw - 1) / vw;
            float[] x = Data.Uniform(2 * count, count, -1f, 1f);
            float[] w = Data.Uniform(ct * count, 100 + count, -1f, 1f); // w[j * count + k]
            // Packed panel: for each vector block of D, the ct classes' vw floats back to back, zero past count.
            var packed = new float[vectors * ct * vw];
            for (int j = 0; j < ct; j++)
                for (int k = 0; k < count; k++) packed[(k / vw) * ct * vw + j * vw + k % vw] = w[j * count + k];
            using var r0 = new GuardedRegion(count);
            using var r1 = new GuardedRegion(count);
            x.AsSpan(0, count).CopyTo(r0.Tail(count));
            x.AsSpan(count, count).CopyTo(r1.Tail(count));
            r0.ReadOnly(); r1.ReadOnly();
            var p = new float[2 * ct * vw];
            fixed (float* px0 = r0.Tail(count), px1 = r1.Tail(count), pw = packed, pp = p)
            {
                K.ClassifierScores(px0, px1, pw, count, pp, first: true, (byte*)px0, 0);
                for (int r = 0; r < 2; r++)
                    for (int j = 0; j < ct; j++)
                    {
                        double expected = 0;
                        for (int k = 0; k < count; k++) expected += (double)x[r * count + k] * w[j * count + k];
                        double got = K.ClassifierSumAt(pp + (r * ct + j) * vw);
                        Assert.True(Math.Abs(got - expected) <= 1e-5 * (count + 1), $"{typeof(K).Name} scores count={count} row {r} class {j}: {got} vs {expected}");
                    }
            }
        }
    }

    private static void Gradient<K>() where K : struct, IFusedClassifierKernels
    {
        int vw = K.Width, ct = K.ClassifierClassTile;
        for (int count = 1; count <= 2 * vw; count++)
            foreach (int rows in new[] { 0, 1, 2, 3, 4, 5, 17 })
            {
                int ldx = count + 3, lds = ct + 2;
                int lenX = rows == 0 ? 1 : (rows - 1) * ldx + count;
                float[] x = Data.Uniform(lenX, count + 7 * rows, -1f, 1f);
                float[] ds = Data.Uniform(Math.Max(1, rows * lds), 50 + rows, -1f, 1f);
                float[] dw0 = Data.Uniform(2 * ct * vw, 9, -1f, 1f);
                var dw = (float[])dw0.Clone();
                using var rx = new GuardedRegion(lenX);
                x.CopyTo(rx.Tail(lenX));
                rx.ReadOnly();
                fixed (float* px = rx.Tail(lenX), pds = ds, pdw = dw)
                    K.ClassifierGradient(px, ldx, rows, pds, lds, pdw, count, first: false, (byte*)px, 0);
                for (int vb = 0; vb < 2; vb++)
                    for (int j = 0; j < ct; j++)
                        for (int lane = 0; lane < vw; lane++)
                        {
                            int k = vb * vw + lane, at = (vb * ct + j) * vw + lane;
                            double expected = dw0[at];
                            if (k < count)
                                for (int i = 0; i < rows; i++) expected += (double)ds[i * lds + j] * x[i * ldx + k];
                            Assert.True(Math.Abs(dw[at] - expected) <= 1e-5 * (rows + 1),
                                $"{typeof(K).Name} gradient count={count} rows={rows} class {j} column {k}: {dw[at]} vs {expected}");
                        }
            }
    }
}
