using HaStack.Vrrpd;

// hastack-vrrpd: the VRRP agent's command line. The protocol lives in HaStack.Vrrp; this is the I/O edge.
return args switch
{
    ["check-config", var file] => CheckConfigCommand.Run(file, Console.Out),
    ["decode", .. var rest] => DecodeCommand.Run(rest, Console.Out),
    ["run", "-f", var file, .. var rest] => RunDaemon(file, rest),
    ["--version"] => PrintVersion(),
    _ => Usage(),
};

static int RunDaemon(string file, string[] options)
{
    var port = 9651;
    if (options is ["--status-port", var text] && !int.TryParse(text, out port))
        return Usage();
    try
    {
        using var daemon = new HaStack.Vrrpd.Daemon.VrrpDaemon(file);
        return daemon.Run(port == 0 ? null : new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
    }
    catch (Exception e) when (e is InvalidOperationException or System.Net.Sockets.SocketException)
    {
        // what the host lacks (an interface, an address): one clear line for the journal; systemd retries
        Console.Error.WriteLine($"hastack-vrrpd: error: {e.Message}");
        return 1;
    }
}

static int PrintVersion()
{
    Console.Out.WriteLine($"hastack-vrrpd {typeof(CheckConfigCommand).Assembly.GetName().Version?.ToString(3)}");
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: hastack-vrrpd check-config FILE
                   print the config's diagnostics (FILE:LINE: error|warning: ...); exit 0 if it can run, 1 if not
               hastack-vrrpd decode HEX
               hastack-vrrpd decode --src IP --dst IP HEX
                   decode a whole IPv4 packet, or a bare VRRP message sent from IP to IP; print it as JSON;
                   exit 0 if it would be accepted, 1 with the drop reason if not
               hastack-vrrpd run -f FILE [--status-port N]
                   run the daemon (status JSON and Prometheus metrics on 127.0.0.1:N, default 9651, 0 = off)
               hastack-vrrpd --version
        """);
    return 2;
}
