using System.Globalization;
using System.Text.Json;

namespace SimdSoftmax.Tests;

/// <summary>Reads the PyTorch golden files of scripts/golden-torch.py (copied next to the test assembly).</summary>
internal static class Golden
{
    public static IEnumerable<JsonElement> Cases(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", file);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        Assert.StartsWith("1.13", doc.RootElement.GetProperty("torch").GetString());
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray()) yield return c.Clone();
    }

    public static double Num(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture)
        : e.GetDouble();

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(Num).ToArray();

    public static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)Num(v)).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public static bool Has(JsonElement c, string name) => c.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null;

    public static CrossEntropyOptions Options(JsonElement c, CrossEntropyReduction reduction) => new()
    {
        Reduction = reduction,
        IgnoreIndex = Has(c, "ignore_index") ? c.GetProperty("ignore_index").GetInt32() : null,
        LabelSmoothing = (float)c.GetProperty("label_smoothing").GetDouble(),
        ZLoss = (float)c.GetProperty("z_loss").GetDouble(),
    };

    /// <summary>
    /// Scalar loss against PyTorch's: exact for ±∞ and NaN, else within <paramref name="rtol"/> relative
    /// (<paramref name="atol"/> absolute near 0, where a loss can be a cancellation of larger terms).
    /// </summary>
    public static void Loss(double expected, float actual, double rtol, string what, double atol = 1e-7)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            Assert.True(expected.Equals((double)actual), $"{what}: expected {expected}, got {actual}");
            return;
        }
        Assert.True(Math.Abs(actual - expected) <= rtol * Math.Abs(expected) + atol, $"{what}: expected {expected:R}, got {actual:R}");
    }

    /// <summary>
    /// Rows of a gradient against PyTorch's: each entry within rtol of itself plus rtol of its row's largest entry
    /// (an entry such as p − (1 − ε) is a cancellation whose float error is relative to the row, not to the entry);
    /// <paramref name="atol"/> for rows whose every entry is such a cancellation (p ≈ onehot: all entries tiny).
    /// </summary>
    public static void Rows(double[] expected, ReadOnlySpan<float> actual, int cols, double rtol, string what, double atol = 1e-30)
    {
        Assert.Equal(expected.Length, actual.Length);
        if (cols == 0) return;
        for (int r = 0; r < expected.Length / cols; r++)
        {
            double rowMax = 0;
            for (int j = 0; j < cols; j++) rowMax = Math.Max(rowMax, Math.Abs(expected[r * cols + j]));
            for (int j = 0; j < cols; j++)
            {
                double e = expected[r * cols + j];
                float a = actual[r * cols + j];
                if (double.IsNaN(e)) { Assert.True(float.IsNaN(a), $"{what}[{r},{j}]: expected NaN, got {a}"); continue; }
                Assert.True(Math.Abs(a - e) <= rtol * (Math.Abs(e) + rowMax) + atol,
                    $"{what}[{r},{j}]: expected {e:R}, got {a:R} (row max {rowMax:R})");
            }
        }
    }

    /// <summary>
    /// The absolute error a float-exponential SIMD path may make on a soft-target gradient entry
    /// <c>a·(T·p_j − w_j·t'_j)</c>: the two terms can cancel to far below either (the reference does it in double),
    /// leaving the float exp's few ulps of the terms, 2^-22·a·Σ_j |w_j·t'_j| per row (the largest row's).
    /// </summary>
    public static double SoftGradientAtol(float[] targets, float[] weights, int n, int c, float eps, double scale)
    {
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            double t = 0;
            for (int j = 0; j < c; j++)
                t += Math.Abs((weights.Length == 0 ? 1.0 : weights[j]) * ((1 - (double)eps) * targets[i * c + j] + (double)eps / c));
            worst = Math.Max(worst, t);
        }
        return Math.Pow(2, -22) * scale * worst;
    }

    /// <summary>Integer labels as the targets label smoothing turns them into (before smoothing): one-hot rows, zero rows for labels outside [0, C).</summary>
    public static float[] OneHot(int[] labels, int c)
    {
        var t = new float[labels.Length * c];
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] < (uint)c) t[i * c + labels[i]] = 1f;
        return t;
    }
}
