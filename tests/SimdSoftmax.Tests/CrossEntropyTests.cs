using SimdSoftmax.GuardPages;

namespace SimdSoftmax.Tests;

/// <summary>Cross-entropy on logits, every path, against the double oracle.</summary>
public class CrossEntropyTests
{
    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Matches_the_double_reference_over_shapes(KernelPath path)
    {
        Paths.Require(path);
        foreach (int c in new[] { 1, 2, 3, 7, 8, 9, 10, 15, 16, 17, 31, 32, 33, 64, 70, 100, 1000 })
            foreach (int n in new[] { 1, 2, 5, 8, 16, 17, 33 })
            {
                float[] logits = Data.Uniform(n * c, c * 100 + n, -20f, 20f);
                int[] labels = Data.Labels(n, c, n + c);
                labels[0] = c - 1;
                if (n > 1) labels[1] = 0;
                var (loss, grad) = DoubleReference.CrossEntropy(logits, labels, c);
                var g = new float[logits.Length];
                float l = SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, path);
                Assert.Equal(loss, l, Math.Max(1e-5 * Math.Abs(loss), 1e-6));
                Assert.Equal(l, SoftmaxCrossEntropy.Loss(logits, labels, c, path), 6);
                Compare.Close(grad, g, rtol: 2e-5, atol: 1e-9, $"grad n={n} c={c}");

                float[] inPlace = (float[])logits.Clone();
                float l2 = SoftmaxCrossEntropy.LossAndGradient(inPlace, labels, inPlace, c, path);
                Assert.Equal(l, l2);
                Assert.Equal(g, inPlace);
            }
    }

    /// <summary>
    /// Thousands of short rows: the AVX-512 kernel multiplies the row sums lane-wise over 64 groups of 16 rows before
    /// taking logs, so the flush, the partial last batch and the largest products (every sum = C = 16) are covered.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Many_short_rows(KernelPath path)
    {
        Paths.Require(path);
        foreach (int c in new[] { 2, 10, 16 })
            foreach (int n in new[] { 16 * 64, 16 * 64 * 2 + 37, 5000 })
            {
                float[] logits = Data.Uniform(n * c, n + c, -20f, 20f);
                int[] labels = Data.Labels(n, c, n * c);
                var (loss, grad) = DoubleReference.CrossEntropy(logits, labels, c);
                var g = new float[logits.Length];
                float l = SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, path);
                Assert.Equal(loss, l, 1e-5 * Math.Abs(loss));
                Compare.Close(grad, g, rtol: 2e-5, atol: 1e-9, $"grad n={n} c={c}");

                float[] equal = new float[n * c]; // every row sum is exactly c: loss = log c
                Assert.Equal(Math.Log(c), SoftmaxCrossEntropy.Loss(equal, labels, c, path), 1e-6 * Math.Log(c));
            }
    }

    /// <summary>
    /// The kernels on strided rows, as the classifier calls them on its padded score block (row stride ld &gt; C):
    /// every C 1..70, full 8-row groups and a remainder, gradient into a buffer with another stride and in place.
    /// The padding between rows and the floats around the block must stay as they were (the classifier relies on
    /// its zero padding columns), and in place must give bitwise the separate gradient.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public unsafe void Strided_rows_leave_the_padding_and_the_surroundings_alone(KernelPath path)
    {
        Paths.Require(path);
        const int Guard = 19;
        for (int c = 1; c <= 70; c++)
            foreach (int n in new[] { 8, 27, 40 })
            {
                int ld = c + 1 + c % 5, ldg = c + 3;
                float[] logits = Data.Uniform(n * c, c * 37 + n, -25f, 25f);
                int[] labels = Data.Labels(n, c, c + 11 * n);
                var (loss, grad) = DoubleReference.CrossEntropy(logits, labels, c);
                float[] s = Data.Filled(2 * Guard + n * ld, Canary.Value), g = Data.Filled(2 * Guard + n * ldg, Canary.Value);
                for (int i = 0; i < n; i++) logits.AsSpan(i * c, c).CopyTo(s.AsSpan(Guard + i * ld));
                float[] s0 = (float[])s.Clone();
                double total, totalInPlace;
                fixed (float* ps = s, pg = g)
                fixed (int* py = labels)
                {
                    total = SoftmaxCrossEntropy.Rows(path, ps + Guard, py, n, c, ld, pg + Guard, ldg, 1f / n);
                    Assert.Equal(s0, s); // logits untouched, padding included
                    totalInPlace = SoftmaxCrossEntropy.Rows(path, ps + Guard, py, n, c, ld, ps + Guard, ld, 1f / n);
                }
                string w = $"c={c} n={n} ld={ld}";
                Assert.True(Math.Abs(total / n - loss) <= 1e-5 * Math.Abs(loss) + 1e-6, $"{w}: loss {total / n} vs {loss}");
                Assert.Equal(total, totalInPlace);
                var gotG = new float[n * c];
                for (int i = 0; i < n; i++)
                {
                    g.AsSpan(Guard + i * ldg, c).CopyTo(gotG.AsSpan(i * c));
                    for (int j = 0; j < c; j++)
                        Assert.True(BitConverter.SingleToInt32Bits(g[Guard + i * ldg + j]) == BitConverter.SingleToInt32Bits(s[Guard + i * ld + j]),
                            $"{w}: in place differs at row {i} col {j}");
                    for (int j = c; j < ld && Guard + i * ld + j < s.Length; j++) Assert.True(Canary.Intact(s.AsSpan(Guard + i * ld + j, 1)), $"{w}: s padding row {i} col {j}");
                    for (int j = c; j < ldg && Guard + i * ldg + j < g.Length; j++) Assert.True(Canary.Intact(g.AsSpan(Guard + i * ldg + j, 1)), $"{w}: g padding row {i} col {j}");
                }
                Compare.Close(grad, gotG, rtol: 2e-5, atol: 1e-9, w);
                Assert.True(Canary.Intact(s.AsSpan(0, Guard)) && Canary.Intact(g.AsSpan(0, Guard)), $"{w}: canary before the block");
                Assert.True(Canary.Intact(s.AsSpan(s.Length - Guard)) && Canary.Intact(g.AsSpan(g.Length - Guard)), $"{w}: canary after the block");
            }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Extreme_logits(KernelPath path)
    {
        Paths.Require(path);
        const int n = 6, c = 10;
        float[] logits = Data.Uniform(n * c, 9, -1e4f, 1e4f);
        int[] labels = Data.Labels(n, c, 10);
        var (loss, grad) = DoubleReference.CrossEntropy(logits, labels, c);
        var g = new float[logits.Length];
        float l = SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, path);
        Assert.True(float.IsFinite(l));
        Assert.Equal(loss, l, 1e-5 * Math.Abs(loss));
        Compare.Close(grad, g, rtol: 2e-5, atol: 1e-9, "grad");
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Special_values(KernelPath path)
    {
        Paths.Require(path);
        Assert.Equal(float.PositiveInfinity, SoftmaxCrossEntropy.Loss([float.NegativeInfinity, 0f, 1f], [0], 3, path));
        Assert.Equal(0.0, SoftmaxCrossEntropy.Loss([float.NegativeInfinity, 0f, float.NegativeInfinity], [1], 3, path), 7);
        Assert.True(float.IsNaN(SoftmaxCrossEntropy.Loss([float.NaN, 0f, 1f], [1], 3, path)));
        Assert.True(float.IsNaN(SoftmaxCrossEntropy.Loss([float.PositiveInfinity, 0f, 1f], [1], 3, path)));
        Assert.Equal(0f, SoftmaxCrossEntropy.Loss([], [], 5, path));
        Assert.Equal(0f, SoftmaxCrossEntropy.LossAndGradient([], [], [], 0, path));
    }
    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Every_row_length_and_row_count_around_the_eight_row_groups(KernelPath path)
    {
        Paths.Require(path);
        for (int c = 1; c <= 70; c++)
            foreach (int n in new[] { 7, 8, 9, 15, 16, 17, 24, 31 })
            {
                float[] logits = Data.Uniform(n * c, c * 131 + n, -30f, 30f);
                int[] labels = Data.Labels(n, c, n * 7 + c);
                labels[0] = c - 1;
                labels[n - 1] = 0;
                var (loss, grad) = DoubleReference.CrossEntropy(logits, labels, c);
                // Canaries on both sides of the gradient: not one float outside the span may be written.
                float[] buffer = Data.Filled(n * c + 32, 777f);
                Span<float> g = buffer.AsSpan(16, n * c);
                float l = SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, path);
                Assert.True(Math.Abs(l - loss) <= 1e-5 * Math.Abs(loss) + 1e-6, $"n={n} c={c}: loss {l} vs {loss}");
                Compare.Close(grad, g, rtol: 2e-5, atol: 1e-9, $"grad n={n} c={c}");
                for (int k = 0; k < 16; k++)
                {
                    Assert.Equal(777f, buffer[k]);
                    Assert.Equal(777f, buffer[buffer.Length - 1 - k]);
                }
                Assert.Equal(l, SoftmaxCrossEntropy.Loss(logits, labels, c, path));
            }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Special_values_inside_row_groups_match_the_reference(KernelPath path)
    {
        Paths.Require(path);
        foreach (int c in new[] { 3, 10, 16, 17 })
        {
            const int n = 19;
            float[] logits = Data.Uniform(n * c, c, -5f, 5f);
            int[] labels = Data.Labels(n, c, c + 1);
            logits[2 * c + labels[2]] = float.NegativeInfinity;     // label logit −∞ → loss +∞
            logits[5 * c + (labels[5] + 1) % c] = float.NegativeInfinity; // another logit −∞: finite
            logits[9 * c] = float.PositiveInfinity;                  // +∞ → NaN row
            logits[12 * c + c - 1] = float.NaN;                      // NaN → NaN row
            for (int j = 0; j < c; j++) logits[17 * c + j] = 1e4f * (j % 2 == 0 ? 1 : -1); // extreme
            float[] gRef = new float[n * c], g = new float[n * c];
            SoftmaxCrossEntropy.LossAndGradient(logits, labels, gRef, c, KernelPath.Scalar);
            SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, path);
            for (int k = 0; k < g.Length; k++)
            {
                if (float.IsNaN(gRef[k])) Assert.True(float.IsNaN(g[k]), $"c={c} [{k}] expected NaN, got {g[k]}");
                else Assert.True(Math.Abs(g[k] - gRef[k]) <= 2e-5 * Math.Abs(gRef[k]) + 1e-9, $"c={c} [{k}] expected {gRef[k]}, got {g[k]}");
            }
            // The mean is NaN (rows 9 and 12) on every path; without them it is +∞ (row 2).
            Assert.True(float.IsNaN(SoftmaxCrossEntropy.Loss(logits, labels, c, path)));
            int[] keep = Enumerable.Range(0, n).Where(r => r != 9 && r != 12).ToArray();
            float[] finiteRows = keep.SelectMany(r => logits.Skip(r * c).Take(c)).ToArray();
            int[] keptLabels = keep.Select(r => labels[r]).ToArray();
            Assert.Equal(float.PositiveInfinity, SoftmaxCrossEntropy.Loss(finiteRows, keptLabels, c, path));
        }
    }
}
