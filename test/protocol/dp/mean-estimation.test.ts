/** Distributed DP against central DP, 100 peers (test/support/dp-mean-estimation.ts; 1000 in the slow tier). */
import { describeMeanEstimation } from '../../support/dp-mean-estimation.js'

describeMeanEstimation([[100, 16, 1.10], [100, 18, 1.03]])
