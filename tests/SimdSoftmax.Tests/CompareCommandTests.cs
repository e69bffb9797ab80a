using System.Text.Json;
using SimdSoftmax.Cli;
using SimdSoftmax.Cli.Compare;

namespace SimdSoftmax.Tests;

/// <summary>The compare tour in-process on tiny shapes: JSON schema, and a loud failure when a path disagrees.</summary>
[Collection(nameof(CompareCommandTests))]
[CollectionDefinition(nameof(CompareCommandTests), DisableParallelization = true)]
public class CompareCommandTests
{
    [Fact]
    public void Quick_json_has_the_schema_and_every_available_path_verified()
    {
        string json = Path.Combine(Path.GetTempPath(), $"simdsoftmax-compare-{Guid.NewGuid():N}.json");
        string md = Path.ChangeExtension(json, ".md"), svg = Path.ChangeExtension(json, ".svg");
        try
        {
            int code = CommandLine.Run(["compare", "--quick", "--tiny", "--json", json, "--markdown", md, "--chart", svg]);
            Assert.Equal(0, code);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement root = doc.RootElement;
            Assert.Equal("simdsoftmax-compare/1", root.GetProperty("schema").GetString());
            JsonElement machine = root.GetProperty("machine");
            foreach (string key in new[] { "cpu", "runtime", "isa", "date" })
                Assert.Equal(JsonValueKind.String, machine.GetProperty(key).ValueKind);
            Assert.Equal(KernelPaths.Available.Count, machine.GetProperty("paths").GetArrayLength());
            Assert.True(machine.GetProperty("copyBandwidthGBs").GetDouble() > 0);
            Assert.Equal(0, root.GetProperty("failures").GetInt32());

            var rows = root.GetProperty("rows").EnumerateArray().ToList();
            string[] families = ["gemm", "softmax", "log-softmax", "cross-entropy"];
            bool Has(string family, string implementation) => rows.Any(r =>
                r.GetProperty("family").GetString() == family && r.GetProperty("implementation").GetString() == implementation);
            foreach (string family in families)
                foreach (KernelPath p in KernelPaths.Available)
                    Assert.True(Has(family, p.ToString()), $"no {family} row for {p}");
            // The classifier: the scalar reference once, each SIMD path in both forms.
            foreach (KernelPath p in KernelPaths.Available)
                foreach (string name in p == KernelPath.Scalar ? ["Scalar"] : new[] { $"{p} composed", $"{p} fused" })
                    Assert.True(Has("classifier", name), $"no classifier row {name}");
            foreach (JsonElement r in rows.Where(r => !r.GetProperty("anchor").GetBoolean()))
            {
                Assert.True(r.GetProperty("verified").GetBoolean(), r.ToString());
                Assert.True(r.GetProperty("medianSeconds").GetDouble() > 0, r.ToString());
                foreach (string key in new[] { "kernel", "limit" }) Assert.Equal(JsonValueKind.String, r.GetProperty(key).ValueKind);
                foreach (string key in new[] { "spreadPercent", "gBytesPerSecond", "maxRelativeError" }) Assert.Equal(JsonValueKind.Number, r.GetProperty(key).ValueKind);
            }
            Assert.Contains("| kernel |", File.ReadAllText(md));
            Assert.StartsWith("<svg", File.ReadAllText(svg));
        }
        finally
        {
            foreach (string f in new[] { json, md, svg }) File.Delete(f);
        }
    }

    [Fact]
    public void A_result_that_disagrees_with_the_reference_fails_the_run()
    {
        string json = Path.Combine(Path.GetTempPath(), $"simdsoftmax-compare-{Guid.NewGuid():N}.json");
        // Perturb one element of every softmax result our paths return (the scalar reference is computed before the hook).
        CompareCommand.PerturbResultForTesting = (kernel, implementation, result) =>
        {
            if (kernel.StartsWith("softmax", StringComparison.Ordinal) && Enum.TryParse<KernelPath>(implementation, out _)) result[3] += 0.5f;
        };
        try
        {
            int code = CommandLine.Run(["compare", "--quick", "--tiny", "--filter", "softmax", "--json", json]);
            Assert.Equal(1, code);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
            Assert.True(doc.RootElement.GetProperty("failures").GetInt32() >= KernelPaths.Available.Count);
        }
        finally
        {
            CompareCommand.PerturbResultForTesting = null;
            File.Delete(json);
        }
    }

    [Fact]
    public void Bad_options_exit_2_without_a_stack_trace()
    {
        Assert.Equal(2, CommandLine.Run(["compare", "--bogus"]));
        Assert.Equal(2, CommandLine.Run(["compare", "--threads", "x"]));
        Assert.Equal(2, CommandLine.Run(["frobnicate"]));
        Assert.Equal(0, CommandLine.Run(["info"]));
    }
}
