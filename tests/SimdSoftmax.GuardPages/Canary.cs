using System.Runtime.InteropServices;

namespace SimdSoftmax.GuardPages;

/// <summary>
/// The one canary scheme of the test projects: memory around (and between) the spans a kernel is given is filled with
/// <see cref="Value"/>, a quiet NaN with a payload no arithmetic produces, so any change to a canary element is a
/// stray write, and a stray read turns a result into NaN. Compared bit for bit (NaN ≠ NaN as a float).
/// </summary>
internal static class Canary
{
    public const uint Bits = 0x7FC0DEADu;
    public static readonly float Value = BitConverter.UInt32BitsToSingle(Bits);
    /// <summary>The canary of int buffers (labels).</summary>
    public const int Int = unchecked((int)0xDEADBEEF);

    /// <summary>A buffer of <paramref name="length"/> floats with <paramref name="guard"/> canaries on each side; the data at [guard, guard + length).</summary>
    public static float[] Surround(ReadOnlySpan<float> data, int guard)
    {
        var buffer = new float[data.Length + 2 * guard];
        buffer.AsSpan().Fill(Value);
        data.CopyTo(buffer.AsSpan(guard));
        return buffer;
    }

    /// <summary>Index of the first element that is not a canary, or −1.</summary>
    public static int FirstChanged(ReadOnlySpan<float> span) => MemoryMarshal.Cast<float, uint>(span).IndexOfAnyExcept(Bits);

    /// <summary>Whether every element of <paramref name="span"/> is still a canary.</summary>
    public static bool Intact(ReadOnlySpan<float> span) => FirstChanged(span) < 0;
}
