/** Distributed DP against central DP, 1000 peers (test/support/dp-mean-estimation.ts; 100 in the fast tier). */
import { describeMeanEstimation } from '../../support/dp-mean-estimation.js'

describeMeanEstimation([[1000, 16, 1.10], [1000, 18, 1.03]])
