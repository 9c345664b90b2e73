using System.Buffers.Binary;
using System.Net;

namespace HaStack.Vrrp.Sockets;

/// <summary>
/// The kernel's identity of one TCP socket as sock_diag reports it (struct inet_diag_sockid): enough to ask for
/// that socket, and that socket only, to be destroyed. Ports are in host order here.
/// </summary>
public readonly record struct TcpSocketId(IPAddress Local, ushort LocalPort, IPAddress Remote, ushort RemotePort, uint Interface, ulong Cookie, byte State);

/// <summary>
/// NETLINK_SOCK_DIAG messages for IPv4 TCP, as pure functions of bytes: a dump request for every socket but the
/// listening ones, the parse of the dump's replies, and a SOCK_DESTROY request for one socket (what <c>ss -K</c>
/// sends). The daemon closes, with these, the connections still bound to a virtual address it has just removed:
/// left alone, neither end would ever hear of it, and a client waiting for an answer would wait forever.
/// </summary>
public static class SocketDiagMessages
{
    public const ushort SockDiagByFamily = 20;
    public const ushort SockDestroy = 21;
    public const ushort Done = 3;
    public const ushort Error = 2;
    private const ushort FlagRequest = 0x1;
    private const ushort FlagAck = 0x4;
    private const ushort FlagDump = 0x300;
    private const byte AfInet = 2;
    private const byte IpProtoTcp = 6;
    private const int TcpListen = 10;
    private const int HeaderLength = 16;
    private const int RequestLength = 56; // struct inet_diag_req_v2
    private const int SockIdLength = 48;  // struct inet_diag_sockid

    /// <summary>Every TCP state but LISTEN: a listener bound to the address is the service's own, not a client's connection.</summary>
    public const uint AllButListening = 0xFFF & ~(1u << TcpListen);

    public static byte[] DumpRequest(uint sequence) => Request(SockDiagByFamily, FlagRequest | FlagDump, sequence, AllButListening, null);

    public static byte[] DestroyRequest(uint sequence, TcpSocketId socket) => Request(SockDestroy, FlagRequest | FlagAck, sequence, AllButListening, socket);

    private static byte[] Request(ushort type, ushort flags, uint sequence, uint states, TcpSocketId? socket)
    {
        var message = new byte[HeaderLength + RequestLength];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        var request = message.AsSpan(HeaderLength);
        request[0] = AfInet;
        request[1] = IpProtoTcp;
        BinaryPrimitives.WriteUInt32LittleEndian(request[4..], states);
        if (socket is { } s)
            WriteSockId(request.Slice(8, SockIdLength), s);
        else
        {
            // no cookie to match: INET_DIAG_NOCOOKIE
            BinaryPrimitives.WriteUInt32LittleEndian(request[(8 + 40)..], uint.MaxValue);
            BinaryPrimitives.WriteUInt32LittleEndian(request[(8 + 44)..], uint.MaxValue);
        }
        return message;
    }

    private static void WriteSockId(Span<byte> id, TcpSocketId s)
    {
        BinaryPrimitives.WriteUInt16BigEndian(id, s.LocalPort);
        BinaryPrimitives.WriteUInt16BigEndian(id[2..], s.RemotePort);
        s.Local.GetAddressBytes().CopyTo(id[4..]);
        s.Remote.GetAddressBytes().CopyTo(id[20..]);
        BinaryPrimitives.WriteUInt32LittleEndian(id[36..], s.Interface);
        BinaryPrimitives.WriteUInt64LittleEndian(id[40..], s.Cookie);
    }

    /// <summary>What one read of the socket holds: the sockets it reports, whether the dump is done, and an error the kernel sent.</summary>
    public sealed record DumpPart(IReadOnlyList<TcpSocketId> Sockets, bool Done, int Errno);

    /// <summary>
    /// Parses one read of replies to a request with <paramref name="sequence"/>. Malformed input (a length that runs
    /// past the buffer or is shorter than a header) ends the parse; it never throws.
    /// </summary>
    public static DumpPart Parse(ReadOnlySpan<byte> buffer, uint sequence)
    {
        var sockets = new List<TcpSocketId>();
        var done = false;
        var errno = 0;
        for (var offset = 0; offset + HeaderLength <= buffer.Length;)
        {
            var length = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(buffer[offset..]), int.MaxValue);
            if (length < HeaderLength || offset + length > buffer.Length)
                break;
            var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer[(offset + 4)..]);
            var messageSequence = BinaryPrimitives.ReadUInt32LittleEndian(buffer[(offset + 8)..]);
            var payload = buffer.Slice(offset + HeaderLength, length - HeaderLength);
            if (messageSequence == sequence)
            {
                if (type == Done)
                    done = true;
                else if (type == Error && payload.Length >= 4)
                {
                    errno = -BinaryPrimitives.ReadInt32LittleEndian(payload);
                    done = true;
                }
                else if (type == SockDiagByFamily && payload.Length >= 4 + SockIdLength && payload[0] == AfInet)
                    sockets.Add(ReadSockId(payload.Slice(4, SockIdLength), payload[1]));
            }
            offset += (length + 3) & ~3;
        }
        return new DumpPart(sockets, done, errno);
    }

    private static TcpSocketId ReadSockId(ReadOnlySpan<byte> id, byte state) => new(
        new IPAddress(id.Slice(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(id),
        new IPAddress(id.Slice(20, 4)), BinaryPrimitives.ReadUInt16BigEndian(id[2..]),
        BinaryPrimitives.ReadUInt32LittleEndian(id[36..]), BinaryPrimitives.ReadUInt64LittleEndian(id[40..]), state);
}
