using System.Net;
using HaStack.Vrrp.Packets;

namespace HaStack.Vrrp.Tests;

/// <summary>
/// Random and mutated input never throws: every outcome is an accepted advert or a drop reason. CI runs a
/// short pass; tests/fuzz/vrrp-fuzz.sh runs the long one (10^6+ inputs) through the same entry point.
/// </summary>
public class FuzzTests
{
    [Fact]
    public void Random_and_mutated_packets_give_reason_codes_never_exceptions()
    {
        // tests/fuzz/vrrp-fuzz.sh sets these for the long run
        var iterations = long.TryParse(Environment.GetEnvironmentVariable("HASTACK_FUZZ_ITERATIONS"), out var n) ? n : 50_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("HASTACK_FUZZ_SEED"), out var s) ? s : 20261125;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = PacketFuzzer.Run(iterations, seed);
        if (Environment.GetEnvironmentVariable("HASTACK_FUZZ_REPORT") is { Length: > 0 } path)
        {
            var reasons = string.Join("\n", report.ByReason.OrderByDescending(r => r.Value).Select(r => $"  {r.Key.Code()}: {r.Value}"));
            File.WriteAllText(path, $"inputs: {report.Inputs}\nseed: {seed}\nseconds: {started.Elapsed.TotalSeconds:F1}\n" +
                $"exceptions: {report.Exceptions}\naccepted: {report.Accepted}\ndrops by reason:\n{reasons}\n" +
                (report.FirstException is null ? "" : $"first exception: {report.FirstException}\n"));
        }
        Assert.Equal(iterations, report.Inputs);
        Assert.True(report.Exceptions == 0, report.FirstException);
        // the mutations must reach deep into the ladder, not stop at the first check
        Assert.True(report.Accepted > 0, "no input was accepted: the mutator never keeps a packet valid");
        Assert.True(report.ByReason.Count >= 8, $"only {report.ByReason.Count} distinct reasons reached: {string.Join(", ", report.ByReason.Keys)}");
    }
}

/// <summary>The fuzz driver, shared by the CI test and the long run.</summary>
public static class PacketFuzzer
{
    public sealed record Report(long Inputs, long Accepted, long Exceptions, Dictionary<DropReason, long> ByReason, string? FirstException);

    private static readonly IPAddress[] Vips = [IPAddress.Parse("10.77.0.100"), IPAddress.Parse("10.77.0.101")];

    public static Report Run(long iterations, int seed)
    {
        var random = new Random(seed);
        var seeds = new[]
        {
            KeepalivedPackets.Bytes(KeepalivedPackets.V2Pass),
            KeepalivedPackets.Bytes(KeepalivedPackets.V3PseudoHeader),
            Ipv4Packet.Wrap(KeepalivedPackets.Bytes(KeepalivedPackets.V3MessageOnlyPayload), IPAddress.Parse("10.77.0.12"), IPAddress.Parse("224.0.0.18")),
        };
        var policies = new Dictionary<byte, ReceivePolicy>
        {
            [77] = new(VrrpVersion.V2, 77, 1, Vips, AuthenticationType.SimplePassword, Advertisement.PasswordAuthData("hslab77")),
            [78] = new(VrrpVersion.V3, 78, 100, Vips),
        };
        long accepted = 0, exceptions = 0;
        string? first = null;
        var reasons = new Dictionary<DropReason, long>();
        for (long i = 0; i < iterations; i++)
        {
            var input = Mutate(random, seeds[random.Next(seeds.Length)]);
            try
            {
                var vrid77 = policies[77];
                // v3 seeds use VRID 77 too: route by version so both ladders are exercised deeply
                ReceivePolicy? Lookup(byte vrid) => vrid == 77 ? (input.Length > 20 && input[20] >> 4 == 3 ? policies[78] with { VirtualRouterId = 77 } : vrid77) : null;
                var result = ReceiveValidator.ValidateIpv4(input, Lookup);
                if (result.Drop is { } reason)
                    reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                else
                    accepted++;
            }
            catch (Exception e)
            {
                exceptions++;
                first ??= $"{e.GetType().Name}: {e.Message} on {Convert.ToHexString(input)}";
            }
        }
        return new Report(iterations, accepted, exceptions, reasons, first);
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        switch (random.Next(6))
        {
            case 0: // pure noise of any length
                var noise = new byte[random.Next(0, 80)];
                random.NextBytes(noise);
                return noise;
            case 1: // untouched (must be accepted)
                return (byte[])seed.Clone();
            case 2: // a few bit flips
                var flipped = (byte[])seed.Clone();
                for (var n = random.Next(1, 4); n > 0; n--)
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                return flipped;
            case 3: // truncated or extended
                var length = random.Next(0, seed.Length + 12);
                var resized = new byte[length];
                seed.AsSpan(0, Math.Min(length, seed.Length)).CopyTo(resized);
                return resized;
            case 4: // one byte set to an edge value
                var edged = (byte)random.Next(3) switch { 0 => (byte)0, 1 => (byte)0xFF, _ => (byte)0x80 };
                var edited = (byte[])seed.Clone();
                edited[random.Next(edited.Length)] = edged;
                return edited;
            default: // VRRP bytes rewritten with a valid IP header, so the VRRP ladder sees them
                var body = new byte[random.Next(0, 60)];
                random.NextBytes(body);
                if (body.Length > 1)
                {
                    body[0] = (byte)((random.Next(2) == 0 ? 0x20 : 0x30) | (random.Next(4) == 0 ? random.Next(16) : 1));
                    body[1] = 77;
                }
                return Ipv4Packet.Wrap(body, IPAddress.Parse("10.77.0.12"), IPAddress.Parse("224.0.0.18"));
        }
    }
}
