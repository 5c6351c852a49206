// Preloaded into Azurite (node --require): mends in Azurite's own code that stall the offline stack.
// Each mend checks that the code it replaces is the code it was written against; after an Azurite upgrade that
// changed it, the mend is left out and says so on stderr, so nothing is replaced blind.
'use strict';
const path = require('node:path');

const azurite = path.join(__dirname, '..', 'node_modules', 'azurite', 'dist', 'src');

// The queue (and blob) clean-up deletes every used message's extent one by one. Azurite 3.37.0 does it with
// findAndRemove on a collection with a binary index on `id`; LokiJS's batch remove (which findAndRemove is) rebuilds
// every binary index of the collection, a sort of all its rows, on each call. 2,500 deletes among 3,600 extents take
// about 9 s, 8,000 among 10,000 about 90 s, and the whole process (tables and queues too) stops answering meanwhile.
// A find by the same index and a remove of what it finds is the same delete, about 200 times cheaper.
function mendExtentDelete() {
  const store = require(path.join(azurite, 'common', 'persistence', 'LokiExtentMetadataStore.js')).default;
  const original = store.prototype.deleteExtent;
  if (typeof original !== 'function' || !/findAndRemove\(\{\s*id:\s*extentId\s*\}\)/.test(original.toString())) {
    console.error('azurite-mends, not applied: LokiExtentMetadataStore.deleteExtent is not the code this mend was written for; left as it is');
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
// calls the collection's batch remove even when there are none: LokiJS then rebuilds every binary index of the
// messages collection (a sort of every message in every queue; the partner loop's deadlines wait there for minutes).
// Skipping the remove when nothing expired is the same clearing with no sort.
//
// That clearing and the dequeue also look for the queue's messages by account first, then by queue: the account's
// index matches every message of every queue, so each request read them all. Asking by queue first (it has an index
// too) reads only that queue's messages; what is found, in which order, and what is written is unchanged.
function mendQueueMessages() {
  const store = require(path.join(azurite, 'queue', 'persistence', 'LokiQueueMetadataStore.js')).default;
  const clearing = store.prototype.clearExpiredMessages;
  const dequeue = store.prototype.getMessages;
  const byAccountThenQueue = /accountName: account,\s*queueName: queue,/;
  if (typeof clearing !== 'function' || !byAccountThenQueue.test(clearing.toString()) || !/coll\.remove\(docs\);\s*\}$/.test(clearing.toString())
    || typeof dequeue !== 'function' || !byAccountThenQueue.test(dequeue.toString()) || !/coll\.update\(docs\);/.test(dequeue.toString())) {
    console.error('azurite-mends, not applied: LokiQueueMetadataStore.clearExpiredMessages or getMessages is not the code this mend was written for; left as it is');
    return;
  }

  store.prototype.clearExpiredMessages = async function clearExpiredMessages(account, queue, context) {
    this.checkQueueExist(account, queue, context);
    const messages = this.db.getCollection(this.MESSAGES_COLLECTION);
    const expired = messages.chain().find({ queueName: queue, accountName: account, expirationTime: { $lte: Date.now() } }).data();
    if (expired.length > 0) {
      messages.remove(expired);
    }
  };

  store.prototype.getMessages = async function getMessages(account, queue, timeNextVisible, popReceipt, numOfMessages, queryDate, context) {
    this.checkQueueExist(account, queue, context);
    this.clearExpiredMessages(account, queue, context);
    const messages = this.db.getCollection(this.MESSAGES_COLLECTION);
    const visibleBy = queryDate ? queryDate.getTime() : Date.now();
    const taken = messages.chain()
      .find({ queueName: queue, accountName: account, timeNextVisible: { $lte: visibleBy } })
      .compoundsort([['timeNextVisible', false], ['$loki', false]])
      .limit(numOfMessages === undefined || numOfMessages < 1 ? 1 : numOfMessages)
      .data();
    const hiddenUntil = timeNextVisible.getTime();
    for (const message of taken) {
      message.timeNextVisible = hiddenUntil;
      message.popReceipt = popReceipt;
      message.dequeueCount = Number(message.dequeueCount) + 1;
    }
    messages.update(taken);
    return taken.map(message => {
      message.timeNextVisible = timeNextVisible;
      const copy = this.messageCopy(message);
      message.timeNextVisible = hiddenUntil;
      return copy;
    });
  };
  console.log('azurite-mends: queue messages mended');
}

// The clean-up itself then runs as one task: with the stack in memory (the tests', the demo's and `up --in-memory`),
// MemoryExtentStore.deleteExtents awaits nothing that waits, so deleting the used messages of a minute's load (about
// 6,500 extents after a minute at 25 referrals a second) kept Azurite from answering anything for some 250-400 ms, once
// a minute: the long tail of the webhook under load. The same deletes, handing the event loop back every
// few hundred, let requests in between. (On disk, FSExtentStore already waits on each file's unlink.)
const ExtentsPerTurn = 200;
function mendMemoryExtentDeletes() {
  const store = require(path.join(azurite, 'common', 'persistence', 'MemoryExtentStore.js')).default;
  const original = store.prototype.deleteExtents;
  if (typeof original !== 'function' || !/this\.chunks\.delete\(this\.categoryName, id\);\s*\}\s*await this\.metadataStore\.deleteExtent\(id\);/.test(original.toString())) {
    console.error('azurite-mends, not applied: MemoryExtentStore.deleteExtents is not the code this mend was written for; left as it is');
    return;
  }

  store.prototype.deleteExtents = async function deleteExtents(extents) {
    let count = 0;
    for (const id of extents) {
      if (count > 0 && count % ExtentsPerTurn === 0) {
        await new Promise(resolve => setImmediate(resolve));
      }

      if (this.chunks.get(this.categoryName, id)) {
        this.chunks.delete(this.categoryName, id);
      }

      await this.metadataStore.deleteExtent(id);
      count++;
    }

    return count;
  };
  console.log('azurite-mends: in-memory extent deletes mended');
}

// Run on its own (the offline stack runs each service in a process of its own), the table service of Azurite 3.37.0
// closes, and so writes its data to disk, only on SIGINT; the blob and queue services also on SIGTERM, which is what a
// stopping stack sends (tools/with-parent.js). Without this, a persistent stack lost its tables' latest changes at
// every stop. SIGTERM is passed to the table service's own SIGINT handler; the other services are left as they are.
function mendTableShutdown() {
  const main = process.argv[1] ?? '';
  if (path.resolve(main) !== path.join(azurite, 'table', 'main.js')) {
    return;
  }

  const source = require('node:fs').readFileSync(main, 'utf8');
  if (!source.includes('.once("SIGINT"') || source.includes('"SIGTERM"')) {
    console.error('azurite-mends, not applied: the table service\'s main.js is not the code this mend was written for; left as it is');
    return;
  }

  process.once('SIGTERM', () => process.emit('SIGINT', 'SIGINT'));
  console.log('azurite-mends: table shutdown on SIGTERM mended');
}

mendExtentDelete();
mendQueueMessages();
mendMemoryExtentDeletes();
mendTableShutdown();
