using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace HaStack.Vrrpd.Linux;

/// <summary>Adds and removes IPv4 addresses through rtnetlink (RTM_NEWADDR / RTM_DELADDR), no `ip` command.</summary>
internal sealed class NetlinkAddresses : IDisposable
{
    private const ushort RTM_NEWADDR = 20;
    private const ushort RTM_DELADDR = 21;
    private const ushort NLMSG_ERROR = 2;
    private const ushort NLM_F_REQUEST = 0x1;
    private const ushort NLM_F_ACK = 0x4;
    private const ushort NLM_F_EXCL = 0x200;
    private const ushort NLM_F_CREATE = 0x400;
    private const ushort IFA_ADDRESS = 1;
    private const ushort IFA_LOCAL = 2;
    private const ushort IFA_LABEL = 3;
    private const int EEXIST = 17;
    private const int EADDRNOTAVAIL = 99;
    private const int ENOENT = 2;

    private readonly int fd;
    private uint sequence;

    public NetlinkAddresses()
    {
        fd = Native.socket(Native.AF_NETLINK, Native.SOCK_RAW | Native.SOCK_CLOEXEC, Native.NETLINK_ROUTE);
        if (fd < 0)
            throw new IOException($"netlink socket: {Native.ErrorText(Native.LastError)}");
        Span<byte> local = stackalloc byte[12];
        local.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(local, Native.AF_NETLINK);
        if (Native.bind(fd, local, local.Length) < 0)
            throw new IOException($"netlink bind: {Native.ErrorText(Native.LastError)}");
    }

    /// <summary>Adds address/prefix on the interface; true if added, false if it was there already.</summary>
    public bool Add(int interfaceIndex, IPAddress address, int prefixLength, string? label) =>
        Request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, interfaceIndex, address, prefixLength, label) switch
        {
            0 => true,
            EEXIST => false,
            var errno => throw new IOException($"adding {address}/{prefixLength}: {Native.ErrorText(errno)}"),
        };

    /// <summary>Removes the address; true if removed, false if it was not there.</summary>
    public bool Remove(int interfaceIndex, IPAddress address, int prefixLength) =>
        Request(RTM_DELADDR, 0, interfaceIndex, address, prefixLength, null) switch
        {
            0 => true,
            EADDRNOTAVAIL or ENOENT => false,
            var errno => throw new IOException($"removing {address}/{prefixLength}: {Native.ErrorText(errno)}"),
        };

    private int Request(ushort type, ushort flags, int interfaceIndex, IPAddress address, int prefixLength, string? label)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
            throw new NotSupportedException("IPv6 virtual addresses are not supported yet");
        var labelBytes = label is null ? [] : System.Text.Encoding.ASCII.GetBytes(label + "\0");
        var labelLength = labelBytes.Length == 0 ? 0 : Align(4 + labelBytes.Length);
        var length = 16 + 8 + 8 + 8 + labelLength;
        Span<byte> message = stackalloc byte[length];
        message.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(message[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(message[6..], (ushort)(NLM_F_REQUEST | NLM_F_ACK | flags));
        BinaryPrimitives.WriteUInt32LittleEndian(message[8..], ++sequence);
        // ifaddrmsg: family, prefix length, flags, scope (universe), interface index
        message[16] = (byte)Native_AF_INET;
        message[17] = (byte)prefixLength;
        BinaryPrimitives.WriteInt32LittleEndian(message[20..], interfaceIndex);
        WriteAttribute(message[24..], IFA_LOCAL, address.GetAddressBytes());
        WriteAttribute(message[32..], IFA_ADDRESS, address.GetAddressBytes());
        if (labelLength > 0)
            WriteAttribute(message[40..], IFA_LABEL, labelBytes);
        Span<byte> kernel = stackalloc byte[12];
        kernel.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(kernel, Native.AF_NETLINK);
        if (Native.sendto(fd, message, message.Length, 0, kernel, kernel.Length) < 0)
            throw new IOException($"netlink send: {Native.ErrorText(Native.LastError)}");
        Span<byte> reply = stackalloc byte[4096];
        while (true)
        {
            var received = (int)Native.recv(fd, reply, reply.Length, 0);
            if (received < 0)
            {
                if (Native.LastError == Native.EINTR)
                    continue;
                throw new IOException($"netlink receive: {Native.ErrorText(Native.LastError)}");
            }
            for (var offset = 0; offset + 16 <= received;)
            {
                var messageLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(reply[offset..]);
                var messageType = BinaryPrimitives.ReadUInt16LittleEndian(reply[(offset + 4)..]);
                var messageSequence = BinaryPrimitives.ReadUInt32LittleEndian(reply[(offset + 8)..]);
                if (messageType == NLMSG_ERROR && messageSequence == sequence)
                    return -BinaryPrimitives.ReadInt32LittleEndian(reply[(offset + 16)..]);
                if (messageLength < 16)
                    break;
                offset += Align(messageLength);
            }
        }
    }

    private const int Native_AF_INET = 2;

    private static int Align(int length) => (length + 3) & ~3;

    private static void WriteAttribute(Span<byte> at, ushort type, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], type);
        value.CopyTo(at[4..]);
    }

    public void Dispose() => Native.close(fd);
}
