using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Cross-entropy with options on short rows of integer labels (C ≤ <see cref="MaxClasses"/> = 2·Width), written once
/// over the ISA: Width rows at a time are transposed into a stack tile (lane r of column vector j is logit (r, j)), so
/// that every per-row quantity — max, s_y, argmax, Σe, Σ_{j≠y} e, Σ w_j·(s_j − max), lse, the loss terms and the
/// gradient coefficients — is a vertical operation, and the per-row weight w[y_i] and the ignore index are a per-lane
/// scale and mask instead of separate calls. Formulas: <see cref="CrossEntropyOptions"/>; the label's gradient entry
/// is <c>−a·(1−ε)·w_y·Σ_{j≠y}e/Σe + …</c> (no cancellation of p_y − 1), lse in float (<see cref="IVectorOps{V}.Log"/>).
/// Whole groups only; the caller runs the last rows through <see cref="CrossEntropyOptionsRow{T, V}"/>.
/// In place (g = s) is safe: a group is read whole into the tile before it is written.
/// </summary>
internal static unsafe class CrossEntropyOptionsShortRows<T, V> where T : struct, IVectorOps<V>, ICrossEntropyOptionsIsa<V> where V : struct
{
    /// <summary>Groups whose loss terms are summed per lane in float before they join the double total (relative error ≤ 64 ulp).</summary>
    private const int FlushGroups = 64;

    /// <summary>Two column blocks of the ISA's transpose.</summary>
    public static int MaxClasses => 2 * T.Width;

    /// <summary>
    /// Rows [0, groups·Width) of n rows: Σ cross-entropy terms (returned) and z-terms (<paramref name="zTotal"/>), outputs
    /// as <see cref="CrossEntropyOptionsRow{T, V}.Run"/>; returns the rows done in <paramref name="done"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit] // the tile and ownA are written before they are read
    public static double Run<TSmooth, TWeights, TArgmax>(float* s, int* y, int n, int c, float* g, float* losses, float* lse, int* argmax,
        in OptionRowConstants k, out double zTotal, out int done)
        where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag where TArgmax : struct, ICompileTimeFlag
    {
        int w = T.Width;
        // Aligned to 64 bytes as the plain tiles (AlignTile): an unaligned tile splits every other column vector
        // across two cache lines, in each of the tile's passes.
        float* tileBuffer = stackalloc float[2 * w * w + 16];
        float* tile = (float*)(((nint)tileBuffer + 63) & ~(nint)63);
        V allOnes = T.Create(BitConverter.Int32BitsToSingle(-1));
        uint allLanes = w == 32 ? uint.MaxValue : (1u << w) - 1;
        // a·ε/C·w_j for every column once per call (a = the gradient scale of a counted row; ignored rows are masked).
        float* ownA = stackalloc float[MaxClasses];
        for (int j = 0; j < c; j++) ownA[j] = TSmooth.Value ? (float)(k.CeScale * k.Uniform * (TWeights.Value ? k.Weights[j] : 1.0)) : 0f;
        float* end = s + (nint)n * c;
        float* wt = k.Weights;
        V oneMinusEps = T.Create((float)(1 - k.Epsilon)), uniform = T.Create((float)k.Uniform), weightSum = T.Create((float)k.WeightSum);
        V lambda = T.Create((float)k.ZLoss), zGrad = T.Create((float)(k.ZScale * 2 * k.ZLoss)), scale = T.Create((float)k.CeScale);
        bool hasZ = k.ZLoss != 0, hasIgnore = k.HasIgnore;
        double ceTotal = 0, zSum = 0;
        V ceAcc = T.Zero, zAcc = T.Zero; // per-lane float sums of up to FlushGroups groups, then added in double
        int pending = 0;
        int groups = n / w;
        for (int grp = 0; grp < groups; grp++)
        {
            int r0 = grp * w;
            float* src = s + (nint)r0 * c;
            T.RowsToColumns(src, c, tile, end);
            // The labels as a vector (an ignored row's becomes −1, matching no column), w[y_i] by one blend per class.
            V labels = T.Load((float*)(y + r0)), cnt = allOnes, wyv = TWeights.Value ? T.Zero : T.Create(1f);
            if (hasIgnore)
            {
                V ign = T.LanesEqual(labels, k.IgnoreIndex);
                cnt = T.AndNot(allOnes, ign);
                labels = T.Select(ign, allOnes, labels);
            }
            if (TWeights.Value)
                for (int j = 0; j < c; j++) wyv = T.Select(T.LanesEqual(labels, j), T.Create(wt[j]), wyv);

            V mx = T.Load(tile);
            V sy = T.And(mx, T.LanesEqual(labels, 0));
            // The argmax in the max pass: a column strictly above the running max moves it, so each lane keeps the
            // first index of its max (lanes hold the index's int bits, stored straight into argmax); a separate
            // equality scan after the max measured 1.17–1.21× the plain time at C = 10 on Avx2.
            V at = T.Zero;
            for (int j = 1; j < c; j++)
            {
                V col = T.Load(tile + j * w);
                if (TArgmax.Value) at = T.Select(T.GreaterMask(col, mx), T.Create(BitConverter.Int32BitsToSingle(j)), at);
                mx = T.Max(mx, col);
                sy = T.Add(sy, T.And(col, T.LanesEqual(labels, j)));
            }
            // Stored at once: kept live across the exp pass it is one register more than AVX2's sixteen hold there.
            if (TArgmax.Value) T.Store(at, (float*)(argmax + r0));
            V sum = T.Zero, others = T.Zero, acc = T.Zero, ey = T.Zero;
            // The exponentials, then the sums over the stored tile (in L1), each in column order as one loop would add
            // them: the exp's constants and four accumulators live at once spilled on AVX2's sixteen registers.
            for (int j = 0; j < c; j++)
            {
                V x = T.Subtract(T.Load(tile + j * w), mx);
                T.Store(T.Exp(x), tile + j * w);
                if (TSmooth.Value) acc = T.Add(acc, TWeights.Value ? T.Multiply(T.Create(wt[j]), x) : x);
            }
            for (int j = 0; j < c; j++)
            {
                V e = T.Load(tile + j * w);
                sum = T.Add(sum, e);
                V isLabel = T.LanesEqual(labels, j);
                others = T.Add(others, T.AndNot(e, isLabel));
                ey = T.Add(ey, T.And(e, isLabel));
            }
            V logSum = T.Log(sum);
            V lseV = T.Add(mx, logSum);
            V nll = T.Subtract(logSum, T.Subtract(sy, mx));
            V ceV = T.Multiply(T.Multiply(oneMinusEps, wyv), nll);
            if (TSmooth.Value) ceV = T.Add(ceV, T.Multiply(uniform, T.Subtract(T.Multiply(weightSum, logSum), acc)));
            ceV = T.And(ceV, cnt);
            V zV = hasZ ? T.And(T.Multiply(lambda, T.Multiply(lseV, lseV)), cnt) : T.Zero;
            ceAcc = T.Add(ceAcc, ceV);
            zAcc = T.Add(zAcc, zV);
            if (++pending == FlushGroups)
            {
                ceTotal += T.Sum(ceAcc);
                zSum += T.Sum(zAcc);
                ceAcc = zAcc = T.Zero;
                pending = 0;
            }
            if (losses != null) T.Store(T.Add(ceV, zV), losses + r0);
            if (lse != null) T.Store(lseV, lse + r0);
            if (TArgmax.Value)
            {
                // Σe is NaN where a row holds a NaN or +∞ (or is all −∞): the reference's scan for those rows.
                uint odd = ~T.EqualBits(sum, sum) & allLanes;
                for (; odd != 0; odd &= odd - 1)
                {
                    int r = System.Numerics.BitOperations.TrailingZeroCount(odd);
                    argmax[r0 + r] = OptionPlan.Argmax(new ReadOnlySpan<float>(src + (nint)r * c, c));
                }
            }
            if (g == null) continue;

            V inv = T.Divide(T.Create(1f), sum);
            V va = T.And(scale, cnt);
            V nllA = T.Multiply(va, T.Multiply(oneMinusEps, wyv));
            V kcA = TSmooth.Value ? T.Multiply(T.Add(nllA, T.Multiply(va, T.Multiply(uniform, weightSum))), inv) : T.Multiply(nllA, inv);
            V kz = hasZ ? T.And(T.Multiply(T.Multiply(zGrad, lseV), inv), cnt) : T.Zero;
            // The label's entry, once per group: −a·(1−ε)·w_y·Σ_{j≠y}e/Σe (no cancellation of p_y − 1)
            // + a·ε/C·(W·e_y/Σe − w_y) + z·e_y; elsewhere e_j·(a·coefP/Σe) − a·ε/C·w_j + z·e_j.
            V lbl = T.Subtract(T.Zero, T.Multiply(nllA, T.Multiply(others, inv)));
            if (TSmooth.Value) lbl = T.Add(lbl, T.Multiply(T.Multiply(va, uniform), T.Subtract(T.Multiply(weightSum, T.Multiply(ey, inv)), wyv)));
            if (hasZ) lbl = T.Add(lbl, T.Multiply(kz, ey));
            for (int j = 0; j < c; j++)
            {
                V e = T.Load(tile + j * w);
                V gen = T.Multiply(e, kcA);
                if (TSmooth.Value) gen = T.Subtract(gen, T.Create(ownA[j]));
                if (hasZ) gen = T.Add(gen, T.Multiply(kz, e));
                // One blend (And, AndNot and Add measured ~3% of the Avx2 call at C = 10); lbl is never −0, gen only
                // with a −0 class weight, where the sum turned it into +0: the same value.
                V r = T.Select(T.LanesEqual(labels, j), lbl, gen);
                T.Store(hasIgnore ? T.And(r, cnt) : r, tile + j * w);
            }
            float* dst = g + (nint)r0 * c;
            T.ColumnsToRows(tile, dst, c);
        }
        zTotal = zSum + T.Sum(zAcc);
        ceTotal += T.Sum(ceAcc);
        done = groups * w;
        return ceTotal;
    }
}
