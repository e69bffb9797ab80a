namespace SimdSoftmax;

/// <summary>
/// The tuning table: every machine-dependent choice (block sizes, register tiles and their cost weights, row-length
/// thresholds, thread cut-offs), one file per family, each entry with the measurement and the CPU it came from.
/// Buffer capacities are derived from these entries, never stated beside them.
/// </summary>
internal static partial class Tuning
{
}
