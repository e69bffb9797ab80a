using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Boundary checks shared by every public entry point. All of them run before a kernel writes anything,
/// so a rejected call leaves every output untouched.
/// </summary>
internal static class Require
{
    public static void NonNegative(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, "Must be zero or positive.");
    }

    public static void Positive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
    }

    /// <summary>rows·cols as an int, or an error naming <paramref name="name"/> if it does not fit.</summary>
    public static int Product(int rows, int cols, string name)
    {
        long p = (long)rows * cols;
        if (p > int.MaxValue)
            throw new ArgumentOutOfRangeException(name, p, $"{rows}·{cols} = {p} elements exceeds the largest span ({int.MaxValue}).");
        return (int)p;
    }

    /// <summary>
    /// Checks a row-major matrix view of <paramref name="rows"/>×<paramref name="cols"/> with row stride <paramref name="ld"/>:
    /// ld ≥ max(1, cols), and the span holds at least (rows−1)·ld + cols elements (the BLAS minimum: the last row need not be padded).
    /// </summary>
    public static void Matrix(int length, int rows, int cols, int ld, string spanName, string ldName)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentOutOfRangeException(ldName, ld, $"The row stride must be at least max(1, {cols}) (the number of columns of {spanName}).");
        long needed = MinimumLength(rows, cols, ld);
        if (needed > int.MaxValue)
            throw new ArgumentOutOfRangeException(ldName, ld, $"{spanName} would need {needed} elements, more than a span can hold.");
        if (length < needed)
            throw new ArgumentException($"{spanName} holds {length} elements but a {rows}×{cols} matrix with row stride {ld} needs {needed}.", spanName);
    }

    public static long MinimumLength(int rows, int cols, int ld) =>
        rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;

    public static void Length(int length, long expected, string name)
    {
        if (length != expected)
            throw new ArgumentException($"{name} holds {length} elements; expected exactly {expected}.", name);
    }

    public static void AtLeast(int length, long expected, string name)
    {
        if (length < expected)
            throw new ArgumentException($"{name} holds {length} elements; at least {expected} are needed.", name);
    }

    /// <summary>An output must not share memory with an input.</summary>
    public static void NoOverlap<TIn, TOut>(ReadOnlySpan<TIn> input, ReadOnlySpan<TOut> output, string inputName, string outputName)
    {
        if (input.IsEmpty || output.IsEmpty) return;
        ref byte i0 = ref Unsafe.As<TIn, byte>(ref Unsafe.AsRef(in input[0]));
        ref byte o0 = ref Unsafe.As<TOut, byte>(ref Unsafe.AsRef(in output[0]));
        nint iBytes = (nint)input.Length * Unsafe.SizeOf<TIn>();
        nint oBytes = (nint)output.Length * Unsafe.SizeOf<TOut>();
        nint delta = Unsafe.ByteOffset(ref i0, ref o0); // o0 - i0
        if (delta < iBytes && -delta < oBytes)
            throw new ArgumentException($"{outputName} overlaps {inputName}; the output must be a separate buffer.", outputName);
    }

    /// <summary>An output may be the input itself (same start, same length) but must not partly overlap it.</summary>
    public static void SameOrNoOverlap(ReadOnlySpan<float> input, ReadOnlySpan<float> output, string inputName, string outputName)
    {
        if (input.Overlaps(output, out int offset) && (offset != 0 || input.Length != output.Length))
            throw new ArgumentException($"{outputName} partly overlaps {inputName}; it must be either the same buffer (in place) or a separate one.", outputName);
    }

    public static void Labels(ReadOnlySpan<int> labels, int classes, string name)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(name, labels[i], $"{name}[{i}] = {labels[i]} is outside [0, {classes}).");
        }
    }

    public static void FiniteNonNegative(float value, string name)
    {
        if (!float.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, value, "Must be a finite number ≥ 0.");
    }
}
