package alldata.protocol;

/**
 * A record of a node's command topic ({@code <prefix>node.<id>.commands}); see {@link CommandFormat}.
 */
public sealed interface CommandRecord permits PutBatch, ReplyBatch, MetaUpdateBatch, FailedCopies {
}
