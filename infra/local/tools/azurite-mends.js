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

mendExtentDelete();
