namespace SimdSoftmax.Tests;

/// <summary>
/// The row families must give bitwise the same results as when <see cref="Expected"/> was recorded (before the
/// one-dispatch refactor), on every SIMD path. A mismatch names the group; the message gives the new hash.
/// </summary>
public class RowFamilyFingerprintTests
{
    public static TheoryData<KernelPath, string> Cases()
    {
        var data = new TheoryData<KernelPath, string>();
        foreach (var path in new[] { KernelPath.Avx2, KernelPath.Avx512 })
            foreach (var g in RowFamilyFingerprints.Groups) data.Add(path, g.Name);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Outputs_are_bitwise_as_recorded(KernelPath path, string group)
    {
        Paths.Require(path);
        var h = new RowFamilyFingerprints.Fnv();
        RowFamilyFingerprints.Groups.Single(g => g.Name == group).Run(path, h);
        Assert.True(Expected.TryGetValue($"{path} {group}", out ulong expected), $"no recorded hash for {path} {group}: {h.Value:x16}");
        Assert.Equal($"{expected:x16}", $"{h.Value:x16}");
    }

    /// <summary>Hashes recorded at commit 89e03aa (the last commit before the refactor), AMD EPYC Zen 4.</summary>
    private static readonly Dictionary<string, ulong> Expected = new()
    {
        ["Avx2 Softmax short 1..16"] = 0x32b59ec2f1846691,
        ["Avx2 LogSoftmax short 1..16"] = 0xa4d9d1cf16162065,
        ["Avx2 CrossEntropy short 1..16"] = 0xd02458596c5b1a11,
        ["Avx2 Softmax tile 17..64"] = 0xb0fc50810a63db09,
        ["Avx2 LogSoftmax tile 17..64"] = 0x862726e706067bad,
        ["Avx2 CrossEntropy tile 17..64"] = 0x927b2833cc952755,
        ["Avx2 Softmax pipeline"] = 0x22aa8274e92458c5,
        ["Avx2 LogSoftmax pipeline"] = 0x5a030369e5643861,
        ["Avx2 CrossEntropy pipeline"] = 0xe470b3af8c38a2f5,
        ["Avx2 Softmax per-row"] = 0xfbee3595cb60b3f9,
        ["Avx2 LogSoftmax per-row"] = 0xd8c22028e9c4dfad,
        ["Avx2 CrossEntropy per-row"] = 0x0cbbce8c5800bc56,
        ["Avx2 Softmax streaming"] = 0x8c3f0f1c6921d5e3,
        ["Avx2 LogSoftmax streaming"] = 0x86a15a065ef47e9b,
        ["Avx2 Classifier Composed bias=False threads=1"] = 0x87d32e2b1d8b9b95,
        ["Avx2 Classifier Composed bias=False threads=2"] = 0x87d32e2b1d8b9b95,
        ["Avx2 Classifier Composed bias=True threads=1"] = 0xff3015bfc796d5c2,
        ["Avx2 Classifier Composed bias=True threads=2"] = 0xff3015bfc796d5c2,
        ["Avx2 Classifier Fused bias=False threads=1"] = 0x7443111771cbf276,
        ["Avx2 Classifier Fused bias=False threads=2"] = 0x7443111771cbf276,
        ["Avx2 Classifier Fused bias=True threads=1"] = 0xea2ca434698bd74d,
        ["Avx2 Classifier Fused bias=True threads=2"] = 0xea2ca434698bd74d,
        ["Avx512 Softmax short 1..16"] = 0x32b59ec2f1846691,
        ["Avx512 LogSoftmax short 1..16"] = 0xa4d9d1cf16162065,
        ["Avx512 CrossEntropy short 1..16"] = 0x170ef2e35f81738d,
        ["Avx512 Softmax tile 17..64"] = 0xb0fc50810a63db09,
        ["Avx512 LogSoftmax tile 17..64"] = 0x862726e706067bad,
        ["Avx512 CrossEntropy tile 17..64"] = 0xaa22f69634669b9f,
        ["Avx512 Softmax pipeline"] = 0x760c2ee5af85a5b1,
        ["Avx512 LogSoftmax pipeline"] = 0x943e49f6a3bf9a55,
        ["Avx512 CrossEntropy pipeline"] = 0x9b77979416b34650,
        ["Avx512 Softmax per-row"] = 0x32254c2b5db6a89d,
        ["Avx512 LogSoftmax per-row"] = 0xd8c22028e9c4dfad,
        ["Avx512 CrossEntropy per-row"] = 0x0b9eac98497b0d92,
        ["Avx512 Softmax streaming"] = 0x9d9485cbabb10e14,
        ["Avx512 LogSoftmax streaming"] = 0xb8d49d7f8a5fc0d2,
        ["Avx512 Classifier Composed bias=False threads=1"] = 0x1da8566e7f4446ef,
        ["Avx512 Classifier Composed bias=False threads=2"] = 0x1da8566e7f4446ef,
        ["Avx512 Classifier Composed bias=True threads=1"] = 0xd33a8b579c8f17bb,
        ["Avx512 Classifier Composed bias=True threads=2"] = 0xd33a8b579c8f17bb,
        ["Avx512 Classifier Fused bias=False threads=1"] = 0x46a974170d5405cb,
        ["Avx512 Classifier Fused bias=False threads=2"] = 0x46a974170d5405cb,
        ["Avx512 Classifier Fused bias=True threads=1"] = 0xa18c10a9d227cc28,
        ["Avx512 Classifier Fused bias=True threads=2"] = 0xa18c10a9d227cc28,
    };
}
