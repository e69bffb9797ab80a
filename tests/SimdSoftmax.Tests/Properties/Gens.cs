using System.Globalization;
using System.Text;
using CsCheck;

namespace SimdSoftmax.Tests.Properties;

/// <summary>How wild the values of a case are. Most cases are plain so the numeric bounds are exercised hard.</summary>
public enum Mix { Normal, Ties, Extreme, Special }

/// <summary>Generators shared by the properties: sizes biased to tile edges, value mixtures, strides, scalars.</summary>
public static class Gens
{
    private static readonly int[] s_edges = [8, 16, 32, 48, 64];

    /// <summary>0–3, a multiple of 8/16/32/48/64 (×1 or ×2) ± 1, anything up to 70, or occasionally up to <paramref name="large"/>.</summary>
    public static Gen<int> Dim(int large) => Gen.Frequency(
        (4, Gen.Int[0, 3]),
        (6, Gen.Select(Gen.Int[0, s_edges.Length - 1], Gen.Int[1, 2], Gen.Int[-1, 1], (i, m, d) => Math.Max(0, s_edges[i] * m + d))),
        (4, Gen.Int[0, 70]),
        (1, Gen.Int[71, large]));

    /// <summary>At least 1 (row lengths, class counts).</summary>
    public static Gen<int> PositiveDim(int large) => Dim(large).Select(v => Math.Max(1, v));

    /// <summary>Extra stride past the row length: mostly none, sometimes a few, sometimes many.</summary>
    public static Gen<int> Pad => Gen.Frequency((3, Gen.Const(0)), (2, Gen.Int[1, 3]), (1, Gen.Int[4, 40]));

    /// <summary>alpha/beta: 1, 0, −0.0, −1, ½ or anything in [−2, 2].</summary>
    public static Gen<float> Scale => Gen.Frequency(
        (3, Gen.Const(1f)), (2, Gen.Const(0f)), (1, Gen.Const(-0f)), (1, Gen.Const(-1f)), (1, Gen.Const(0.5f)), (2, Gen.Float[-2f, 2f]));

    public static Gen<Mix> MixGen => Gen.Frequency(
        (5, Gen.Const(Mix.Normal)), (2, Gen.Const(Mix.Ties)), (2, Gen.Const(Mix.Extreme)), (2, Gen.Const(Mix.Special)));

    public static Gen<int> Threads => Gen.OneOf(Gen.Const(1), Gen.Const(2), Gen.Const(3), Gen.Const(0));

    /// <summary>Offset in floats of the copied inputs of the alignment check.</summary>
    public static Gen<int> Offset => Gen.Int[1, 15];

    private static readonly Gen<float> s_normal = Gen.Float[-4f, 4f];
    private static readonly Gen<float> s_tie = Gen.OneOf(Gen.Const(0f), Gen.Const(-0f), Gen.Const(1f), Gen.Const(-1f), Gen.Const(2.5f));
    private static readonly Gen<float> s_huge = Gen.Select(Gen.Float[1e30f, float.MaxValue], Gen.Bool, (v, neg) => neg ? -v : v);
    // Subnormals and the smallest normals, either sign.
    private static readonly Gen<float> s_tiny = Gen.Select(Gen.Int[1, 0x01000000], Gen.Bool,
        (bits, neg) => BitConverter.Int32BitsToSingle(bits | (neg ? int.MinValue : 0)));

    public static Gen<float> Value(Mix mix) => mix switch
    {
        Mix.Normal => s_normal,
        Mix.Ties => Gen.Frequency((3, s_normal), (2, s_tie)),
        Mix.Extreme => Gen.Frequency((8, s_normal), (2, s_tie), (1, s_huge), (1, s_tiny)),
        _ => Gen.Frequency((24, s_normal), (4, s_tie), (2, s_huge), (2, s_tiny),
            (1, Gen.Const(float.PositiveInfinity)), (2, Gen.Const(float.NegativeInfinity)), (1, Gen.Const(float.NaN))),
    };

    /// <summary>Moderate values for the classifier, whose scores are sums of d products: no finite overflow.</summary>
    public static Gen<float> ModerateValue(Mix mix) => mix switch
    {
        Mix.Normal => s_normal,
        Mix.Ties => Gen.Frequency((3, s_normal), (2, s_tie)),
        Mix.Extreme => Gen.Frequency((8, s_normal), (2, s_tie), (1, Gen.Float[-3000f, 3000f]), (1, s_tiny)),
        _ => Gen.Frequency((40, s_normal), (4, s_tie), (2, s_tiny),
            (1, Gen.Const(float.PositiveInfinity)), (1, Gen.Const(float.NegativeInfinity)), (1, Gen.Const(float.NaN))),
    };

    /// <summary>n labels in [0, c): often 0 or c − 1.</summary>
    public static Gen<int[]> Labels(int n, int c) => c == 0
        ? Gen.Const(new int[n])
        : Gen.Frequency((2, Gen.Const(0)), (2, Gen.Const(c - 1)), (3, Gen.Int[0, c - 1])).Array[n];

    /// <summary>
    /// Per-row pattern for row kernels (softmax, cross-entropy): 0 keeps the row, 1 makes it all −∞, 2 all −∞ but one entry,
    /// 3 all equal, 4 [MaxValue, −MaxValue, …]. Applied only to Extreme/Special mixes.
    /// </summary>
    public static Gen<int[]> RowPatterns(int rows, Mix mix) => mix < Mix.Extreme
        ? Gen.Const(new int[rows])
        : Gen.Frequency((20, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2)), (1, Gen.Const(3)), (1, Gen.Const(4))).Array[rows];

    public static void ApplyRowPatterns(float[] x, int cols, int[] patterns)
    {
        for (int r = 0; r < patterns.Length; r++)
        {
            Span<float> row = x.AsSpan(r * cols, cols);
            switch (patterns[r])
            {
                case 1: row.Fill(float.NegativeInfinity); break;
                case 2: { float keep = row[row.Length / 2]; row.Fill(float.NegativeInfinity); row[row.Length / 2] = float.IsNaN(keep) ? 1f : keep; break; }
                case 3: row.Fill(row[0]); break;
                case 4: row[0] = float.MaxValue; if (row.Length > 1) row[1] = -float.MaxValue; break;
            }
        }
    }

    /// <summary>An array printed exactly (round-trip), shortened past 48 entries.</summary>
    public static string Show(float[] v)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < Math.Min(v.Length, 48); i++)
            sb.Append(i == 0 ? "" : ", ").Append(v[i].ToString("R", CultureInfo.InvariantCulture));
        if (v.Length > 48) sb.Append(CultureInfo.InvariantCulture, $", … ({v.Length} in all)");
        return sb.Append(']').ToString();
    }

    public static string Show(int[] v) =>
        "[" + string.Join(", ", v.Take(48)) + (v.Length > 48 ? $", … ({v.Length} in all)" : "") + "]";
}

/// <summary>Output buffers with a NaN canary (a payload no kernel produces) before and after the span.</summary>
public static class Canary
{
    public const int Guard = 16;
    public static readonly float Value = BitConverter.Int32BitsToSingle(0x7FC5A5A5);
    public static bool Is(float v) => BitConverter.SingleToInt32Bits(v) == 0x7FC5A5A5;

    /// <summary>An array of Guard + length + Guard canaries; the span under test is [Guard, Guard + length).</summary>
    public static float[] Buffer(int length)
    {
        var a = new float[length + 2 * Guard];
        a.AsSpan().Fill(Value);
        return a;
    }

    public static void CheckGuards(float[] buffer, int length, string what)
    {
        for (int i = 0; i < Guard; i++)
        {
            if (!Is(buffer[i])) throw new InvalidOperationException($"{what}: canary {Guard - i} float(s) before the span was overwritten ({buffer[i]}).");
            if (!Is(buffer[Guard + length + i])) throw new InvalidOperationException($"{what}: canary {i} float(s) after the span was overwritten ({buffer[Guard + length + i]}).");
        }
    }

    /// <summary><paramref name="src"/> copied into a fresh array at <paramref name="offset"/> (the alignment check).</summary>
    public static float[] Shifted(ReadOnlySpan<float> src, int offset)
    {
        var a = new float[src.Length + offset + 1];
        a.AsSpan().Fill(Value);
        src.CopyTo(a.AsSpan(offset));
        return a;
    }

    public static void BitwiseEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        if (expected.Length != actual.Length) throw new InvalidOperationException($"{what}: length {actual.Length}, expected {expected.Length}.");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                throw new InvalidOperationException(FormattableString.Invariant(
                    $"{what}: element {i} is {actual[i]:R} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8}), not bitwise {expected[i]:R} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8})."));
    }
}
