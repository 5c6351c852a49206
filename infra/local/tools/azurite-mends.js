// Preloaded into Azurite (node --require): mends in Azurite's own code that stall the offline stack.
// Each mend checks that the code it replaces is the code it was written against; after an Azurite upgrade that
// changed it, the mend is left out and says so on stderr, so nothing is replaced blind.
'use strict';
const path = require('node:path');

const persistence = path.join(__dirname, '..', 'node_modules', 'azurite', 'dist', 'src', 'common', 'persistence');

// The queue (and blob) clean-up deletes every used message's extent one by one. Azurite 3.37.0 does it with
// findAndRemove on a collection with a binary index on `id`, which costs far more than a find and a remove of the one
// row: 2,500 deletes among 3,600 extents take about 9 s, 8,000 among 10,000 about 90 s. The whole process (tables
// and queues too) stops answering meanwhile. A find by the same index and a remove of what it finds is the same
// delete, about 200 times cheaper.
function mendExtentDelete() {
  const store = require(path.join(persistence, 'LokiExtentMetadataStore.js')).default;
  const original = store.prototype.deleteExtent;
  if (typeof original !== 'function' || !/findAndRemove\(\{\s*id:\s*extentId\s*\}\)/.test(original.toString())) {
    console.error('azurite-mends: LokiExtentMetadataStore.deleteExtent is not the code this mend was written for; left as it is');
    return;
  }

  store.prototype.deleteExtent = async function deleteExtent(extentId) {
    const extents = this.db.getCollection(this.EXTENTS_COLLECTION);
    for (let extent = extents.findOne({ id: extentId }); extent; extent = extents.findOne({ id: extentId })) {
      extents.remove(extent);
    }
  };
  console.log('azurite-mends: extent delete mended');
}

// Every dequeue, peek and delete of a queue message first clears the queue's expired messages, and Azurite 3.37.0
// calls the collection's batch remove even when there are none. A batch remove marks every binary index of the
// messages collection stale, so the very next find sorts all four again: each queue request costs a sort of every
// message held in every queue (the partner loop's deadlines wait there for minutes). Skipping the remove when
// nothing expired is the same clearing with no sort.
function mendExpiredMessagesClearing() {
  const store = require(path.join(__dirname, '..', 'node_modules', 'azurite', 'dist', 'src', 'queue', 'persistence', 'LokiQueueMetadataStore.js')).default;
  const original = store.prototype.clearExpiredMessages;
  if (typeof original !== 'function' || !/expirationTime: \{ \$lte: queryTime \}[\s\S]*coll\.remove\(docs\);\s*\}$/.test(original.toString())) {
    console.error('azurite-mends: LokiQueueMetadataStore.clearExpiredMessages is not the code this mend was written for; left as it is');
    return;
  }

  store.prototype.clearExpiredMessages = async function clearExpiredMessages(account, queue, context) {
    this.checkQueueExist(account, queue, context);
    const messages = this.db.getCollection(this.MESSAGES_COLLECTION);
    const expired = messages.chain().find({ accountName: account, queueName: queue, expirationTime: { $lte: Date.now() } }).data();
    if (expired.length > 0) {
      messages.remove(expired);
    }
  };
  console.log('azurite-mends: expired messages clearing mended');
}

mendExtentDelete();
mendExpiredMessagesClearing();
