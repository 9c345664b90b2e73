using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HaStack.Vrrpd.Daemon;

/// <summary>
/// A minimal HTTP/1.0 responder on a loopback port: GET /status (JSON) and GET /metrics (Prometheus).
/// Hand-rolled: a whole web stack would cost more memory than the daemon itself.
/// </summary>
internal sealed class StatusServer(DaemonStatus status, IPEndPoint endpoint, Action<string> log) : IDisposable
{
    private readonly TcpListener listener = new(endpoint);

    public void Start()
    {
        listener.Start();
        var thread = new Thread(Serve) { IsBackground = true, Name = "status" };
        thread.Start();
        log($"status on http://{endpoint}/status and /metrics");
    }

    private void Serve()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = listener.AcceptTcpClient();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            using (client)
            {
                try
                {
                    client.ReceiveTimeout = 2000;
                    client.SendTimeout = 2000;
                    var stream = client.GetStream();
                    var request = new byte[2048];
                    var length = stream.Read(request);
                    var line = Encoding.ASCII.GetString(request, 0, length).Split('\n')[0];
                    var path = line.Split(' ') is [_, var p, ..] ? p : "/";
                    var (code, type, body) = path switch
                    {
                        "/status" => ("200 OK", "application/json", status.Json()),
                        "/metrics" => ("200 OK", "text/plain; version=0.0.4", status.Metrics()),
                        _ => ("404 Not Found", "text/plain", "try /status or /metrics\n"),
                    };
                    var payload = Encoding.UTF8.GetBytes(body);
                    stream.Write(Encoding.ASCII.GetBytes($"HTTP/1.0 {code}\r\nContent-Type: {type}\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n"));
                    stream.Write(payload);
                }
                catch (Exception e) when (e is IOException or SocketException)
                {
                    // a client that hung up or stalled: nothing to do
                }
            }
        }
    }

    public void Dispose() => listener.Stop();
}
