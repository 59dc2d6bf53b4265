package org.cartograph.kafka.internal.schema;

import java.util.ArrayList;
import java.util.List;

import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;

/**
 * Turns a {@link FlowBatch} into the bytes of {@code cartograph/v1/flow_batch.proto} and back.
 * Writes schema version 2 (compact flows and a string table per record) straight into reused
 * buffers; reads versions 2 and 1. Not thread-safe: each thread that encodes or decodes owns an
 * instance (the sink's thread, the collector's thread).
 */
public final class BatchCodec {

    /** The schema version this codec writes. */
    public static final int SCHEMA_VERSION = 2;
    /** The schema's full message name, also sent as a record header. */
    public static final String MESSAGE_TYPE = "cartograph.v1.FlowBatch";

    private final V2Encoder encoder = new V2Encoder();
    private final V2Decoder decoder = new V2Decoder();
    private final V1Codec v1 = new V1Codec();
    private final ProtoReader header = new ProtoReader();

    /**
     * One decoded record: a whole batch, or part {@code part} of {@code parts} of one batch (a
     * record part, split for size; unrelated to the several batches of one interval).
     */
    public record Part(int part, int parts, FlowBatch batch) {

        /** @return whether the record is a whole batch */
        public boolean whole() {
            return parts <= 1;
        }
    }

    /**
     * @param batch a batch
     * @return its encoding as one record
     */
    public byte[] encode(FlowBatch batch) {
        return encode(batch, Integer.MAX_VALUE).getFirst();
    }

    /**
     * Encodes a batch as one record, or as several consecutive parts if its encoding would
     * exceed the size limit. Flows and then DNS statistics are cut into parts in order; an item
     * larger than the limit gets a part of its own. Each part has its own string table.
     *
     * @param batch        a batch
     * @param maxPartBytes the size one record should not exceed
     * @return the records' values, in the order they must be sent
     */
    public List<byte[]> encode(FlowBatch batch, int maxPartBytes) {
        return encoder.encode(batch, maxPartBytes);
    }

    /**
     * @param bytes a record value holding a whole batch
     * @return the batch
     * @throws MalformedBatchException if the bytes are not a whole batch of a known schema version
     */
    public FlowBatch decode(byte[] bytes) throws MalformedBatchException {
        Part p = decodePart(bytes);
        if (!p.whole()) {
            throw new MalformedBatchException("part " + p.part() + " of " + p.parts() + ", not a whole batch");
        }
        return p.batch();
    }

    /**
     * @param bytes a record value of schema version 1 or 2
     * @return the batch or part it holds (a part's batch holds that part's flows and DNS statistics)
     * @throws MalformedBatchException if the bytes are not a batch of a known schema version
     */
    public Part decodePart(byte[] bytes) throws MalformedBatchException {
        if (bytes == null) {
            throw new MalformedBatchException("the record has no value");
        }
        long version;
        try {
            version = schemaVersion(bytes);
        } catch (IllegalArgumentException e) {
            throw new MalformedBatchException("not a " + MESSAGE_TYPE + ": " + e.getMessage());
        }
        if (version == V1Codec.SCHEMA_VERSION) {
            return v1.decodePart(bytes);
        }
        if (version != SCHEMA_VERSION) {
            throw new MalformedBatchException("schema version " + version + " is not " + V1Codec.SCHEMA_VERSION
                    + " or " + SCHEMA_VERSION);
        }
        try {
            return decoder.decode(bytes);
        } catch (RuntimeException e) {
            throw new MalformedBatchException("invalid batch content: " + e.getMessage());
        }
    }

    /** @return the first {@code schema_version} of the message, 0 if it has none */
    private long schemaVersion(byte[] bytes) {
        ProtoReader r = header;
        r.reset(bytes);
        while (r.more()) {
            int tag = r.tag();
            if (tag == (Fields.BATCH_SCHEMA_VERSION << 3 | ProtoWriter.VARINT)) {
                return r.varint();
            }
            r.skip(tag & 7);
        }
        return 0;
    }

    /**
     * Joins the record parts of one batch (not the batches of one interval: those stay separate
     * batches, each with its own sequence and {@link FlowBatch#lastOfInterval()}).
     *
     * @param parts every part of one batch, in part order
     * @return the batch they make up, with the parts' header fields
     */
    public static FlowBatch merge(List<FlowBatch> parts) {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        List<Flow> flows = new ArrayList<>();
        List<DnsStats> dns = new ArrayList<>();
        for (FlowBatch p : parts) {
            flows.addAll(p.flows());
            dns.addAll(p.dns());
        }
        FlowBatch first = parts.getFirst();
        return new FlowBatch(first.sequence(), first.host(), first.time(), first.interval(), flows, dns,
                first.lastOfInterval());
    }
}
