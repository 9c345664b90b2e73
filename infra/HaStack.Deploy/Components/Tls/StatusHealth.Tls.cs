namespace HaStack.Deploy.Status;

internal static partial class StatusHealth
{
    /// <summary>How far ahead the CA's end is a note: a new CA reaches every host and every client, which takes planning.</summary>
    public static readonly TimeSpan AuthorityWarning = TimeSpan.FromDays(365);

    private static void Certificates(StackStatus status, DateTimeOffset today, List<string> degraded, List<string> notes)
    {
        foreach (var certificate in status.Certificates)
        {
            if (certificate.NotAfter <= today)
                degraded.Add($"{certificate.Host}'s certificate ended on {certificate.NotAfter:yyyy-MM-dd}: run hastack up to issue a new one");
            else if (certificate.NotAfter - today <= TimeSpan.FromDays(certificate.RenewDaysBefore))
                notes.Add($"{certificate.Host}'s certificate ends on {certificate.NotAfter:yyyy-MM-dd}, within the renewal threshold: the next hastack up renews it");
        }
        // HaStack renews host certificates, never the CA: its end needs a person's plan, so it is said a year ahead
        if (status.AuthorityEnds is { } authorityEnds)
        {
            if (authorityEnds <= today)
                degraded.Add($"the cluster's CA ended on {authorityEnds:yyyy-MM-dd}: no certificate it issued is valid; give a new CA (tls.caCertificate, tls.caKey) and run hastack up");
            else if (authorityEnds - today <= AuthorityWarning)
                notes.Add($"the cluster's CA ends on {authorityEnds:yyyy-MM-dd} and HaStack does not renew a CA: plan a new one (tls.caCertificate, tls.caKey; preview shows what it replaces) and hand clients its caCertificate output");
        }
    }
}
